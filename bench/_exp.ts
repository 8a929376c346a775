import { MongoClient, ObjectId } from 'mongodb';
import { MongoBackend } from '@agendajs/mongo-backend';
import { startServer } from './lib/server.js';
import { summarize } from './lib/measure.js';
const server = await startServer();
const client = await MongoClient.connect(server.uri);
const db = client.db('exp');
const backend = new MongoBackend({ mongo: db });
await backend.connect();
const coll = db.collection('agendaJobs');
const base = { name: 'bench-job', data: {}, type: 'normal', priority: 0, lockedAt: null, lastFinishedAt: null, disabled: null };
for (let i = 0; i < 10; i++) await coll.insertMany(Array.from({ length: 1000 }, (_, j) => ({ _id: new ObjectId(), ...base, nextRunAt: new Date(Date.now() - 60000 + (i * 1000 + j) * 5) })));
async function lat(n: number) { const s: number[] = []; for (let i = 0; i < n; i++) { const t = performance.now(); const r = await backend.repository.getNextJobToRun('bench-job', new Date(Date.now() + 100), new Date(Date.now() - 600000), undefined, undefined); s.push(performance.now() - t); if (!r) throw new Error('miss'); } return summarize(s); }
console.log('0 finished', await lat(100));
for (const c of [1000, 3000, 6000]) {
  const ids = (await coll.find({ nextRunAt: { $ne: null }, lockedAt: null }).sort({ nextRunAt: -1 }).limit(c - (await coll.countDocuments({ nextRunAt: null }))).project({ _id: 1 }).toArray()).map((d) => d._id);
  await coll.updateMany({ _id: { $in: ids } }, { $set: { nextRunAt: null, lockedAt: null, lastFinishedAt: new Date() } });
  console.log(c, 'finished (nextRunAt null)', await coll.countDocuments({ nextRunAt: null }), await lat(100));
}
await client.close(); await server.stop();
