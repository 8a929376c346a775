// Parity: TTL indexes. Real MongoDB's TTL monitor runs every 60 s, so the wait
// is adaptive: poll until the expired documents are gone, with a deadline that
// is generous against a real server and short against the embedded one (which
// sweeps every second).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Collection, Db, MongoClient } from 'mongodb';
import { connectClient, startTestDatabase, usingRealMongo, waitFor, type TestDatabase } from '../support/mongo.js';

const DEADLINE_MS = usingRealMongo ? 130_000 : 10_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 20_000;

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  tdb = await startTestDatabase('ttl');
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

describe('TTL index', () => {
  it('is listed with expireAfterSeconds', async () => {
    const c = db.collection('ttl_meta');
    expect(await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600 })).toBe('at_1');
    const spec = (await c.listIndexes().toArray()).find((i) => i.name === 'at_1');
    expect(spec).toEqual({ v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 3600 });
  });

  it(
    'removes documents whose date (or earliest array date) is past expiry, and nothing else',
    async () => {
      const c: Collection<any> = db.collection('ttl_sweep');
      await c.createIndex({ createdAt: 1 }, { expireAfterSeconds: 1 });
      const now = Date.now();
      const past = new Date(now - 3600_000);
      const future = new Date(now + 3600_000);
      await c.insertMany([
        { _id: 'old', createdAt: past },
        { _id: 'old-array', createdAt: [future, past] },
        { _id: 'future', createdAt: future },
        { _id: 'no-date', createdAt: 'yesterday' },
        { _id: 'missing' },
        { _id: 'null', createdAt: null },
      ]);
      await waitFor(async () => (await c.countDocuments({ _id: { $in: ['old', 'old-array'] } })) === 0, {
        timeoutMs: DEADLINE_MS,
        intervalMs: usingRealMongo ? 1000 : 100,
        what: 'the TTL monitor to remove expired documents',
      });
      const left = (await c.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id).sort();
      expect(left).toEqual(['future', 'missing', 'no-date', 'null']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'removes a document once its own expiry passes',
    async () => {
      const c: Collection<any> = db.collection('ttl_soon');
      await c.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
      await c.insertMany([
        { _id: 'soon', at: new Date(Date.now() + 1500) },
        { _id: 'later', at: new Date(Date.now() + 3600_000) },
      ]);
      expect(await c.countDocuments()).toBe(2);
      await waitFor(async () => (await c.countDocuments({ _id: 'soon' })) === 0, {
        timeoutMs: DEADLINE_MS,
        intervalMs: usingRealMongo ? 1000 : 100,
        what: 'the TTL monitor to remove the document',
      });
      expect(await c.find().toArray()).toEqual([{ _id: 'later', at: expect.any(Date) }]);
    },
    TEST_TIMEOUT_MS,
  );
});
