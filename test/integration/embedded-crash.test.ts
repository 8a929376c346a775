// Durability of the embedded server's on-disk mode: every acknowledged write
// survives a SIGKILL, and a clean SIGTERM restart keeps data and indexes.
// Runs the real CLI in a child process; skipped against a real MongoDB.
import { afterAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoServerError, type MongoClient } from 'mongodb';
import { connectClient, describeEmbeddedOnly, rejection, waitFor } from '../support/mongo.js';
import { freePort } from '../support/free-port.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const children = new Set<ChildProcess>();
const dataDirs: string[] = [];

interface RunningServer {
  child: ChildProcess;
  uri: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

async function startCli(dataDir: string): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/storage/embedded/cli.ts', '--port', String(port), '--data-dir', dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MONGODB_URI: '' },
  });
  children.add(child);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not report listening within 30 s; output:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((l) => l.includes('listening'));
      if (line) {
        clearTimeout(timer);
        resolve(/mongodb:\/\/[^\s"',]+/.exec(line)?.[0] ?? `mongodb://127.0.0.1:${port}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited (code ${code}, signal ${signal}) before listening; output:\n${out}`));
    });
  });
  return { child, uri, exited, output: () => out };
}

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'embedded-crash-'));
  dataDirs.push(dir);
  return dir;
}

const connect = (uri: string): Promise<MongoClient> =>
  connectClient(uri, { serverSelectionTimeoutMS: 3000, retryWrites: false, retryReads: false, maxPoolSize: 10 });

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describeEmbeddedOnly('embedded server durability (CLI child process)', () => {
  it('keeps every acknowledged write across a SIGKILL', async () => {
    const dataDir = await tempDataDir();
    const first = await startCli(dataDir);
    const client = await connect(first.uri);
    const db = client.db('crash');
    const events = db.collection<{ _id: number; payload: string }>('events');
    const counters = db.collection<{ _id: string; n: number }>('counters');
    await events.createIndex({ payload: 1 });

    const acked: number[] = [];
    let attemptedIncs = 0;
    let ackedIncs = 0;
    let nextId = 0;
    let stopped = false;
    const insertLoop = async () => {
      while (!stopped) {
        const id = nextId++;
        try {
          await events.insertOne({ _id: id, payload: `p${id}`.padEnd(200, '.') });
          acked.push(id);
        } catch {
          return;
        }
      }
    };
    const batchLoop = async () => {
      while (!stopped) {
        const ids = Array.from({ length: 10 }, () => nextId++);
        try {
          await events.insertMany(ids.map((id) => ({ _id: id, payload: `b${id}` })));
          acked.push(...ids);
        } catch {
          return;
        }
      }
    };
    const incLoop = async () => {
      while (!stopped) {
        attemptedIncs++;
        try {
          await counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { upsert: true });
          ackedIncs++;
        } catch {
          return;
        }
      }
    };
    const loops = [insertLoop(), insertLoop(), insertLoop(), batchLoop(), incLoop()];
    await waitFor(() => acked.length >= 500 && ackedIncs >= 20, { timeoutMs: 30_000, what: 'writes to be acknowledged' });

    first.child.kill('SIGKILL');
    const exit = await first.exited;
    stopped = true;
    await Promise.all(loops);
    await client.close(true).catch(() => undefined);
    expect(exit.signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThan(0);

    const second = await startCli(dataDir);
    const client2 = await connect(second.uri);
    try {
      const db2 = client2.db('crash');
      const present = new Set((await db2.collection<{ _id: number }>('events').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
      const lost = acked.filter((id) => !present.has(id));
      expect(lost).toEqual([]);
      expect(present.size).toBeGreaterThanOrEqual(acked.length);
      expect(present.size).toBeLessThanOrEqual(nextId);
      const counter = await db2.collection('counters').findOne({ _id: 'c' as any });
      expect(counter?.n).toBeGreaterThanOrEqual(ackedIncs);
      expect(counter?.n).toBeLessThanOrEqual(attemptedIncs);
      // The recovered _id index is consistent: acknowledged ids collide, new ones insert.
      const dup = await rejection(db2.collection('events').insertOne({ _id: acked[0] } as any));
      expect(dup).toBeInstanceOf(MongoServerError);
      expect(dup.code).toBe(11000);
      await db2.collection('events').insertOne({ _id: -1 } as any);
      expect((await db2.collection('events').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'payload_1']);
    } finally {
      await client2.close();
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);

  it('a clean SIGTERM restart keeps data, updates, deletes and indexes', async () => {
    const dataDir = await tempDataDir();
    const first = await startCli(dataDir);
    const client = await connect(first.uri);
    const db = client.db('clean');
    const users = db.collection<{ _id: number; email: string; n?: number }>('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.createIndex({ n: 1 }, { name: 'to_drop' });
    await users.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: i, email: `u${i}@x` })));
    await users.updateMany({ _id: { $lt: 10 } }, { $set: { n: 1 } });
    await users.deleteMany({ _id: { $gte: 90 } });
    await users.dropIndex('to_drop');
    await db.collection('scratch').insertOne({ a: 1 });
    await db.collection('scratch').drop();
    await client.close();

    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    const second = await startCli(dataDir);
    const client2 = await connect(second.uri);
    try {
      const db2 = client2.db('clean');
      const users2 = db2.collection<{ _id: number; email: string; n?: number }>('users');
      expect(await users2.countDocuments()).toBe(90);
      expect(await users2.countDocuments({ n: 1 })).toBe(10);
      expect(await users2.findOne({ _id: 5 })).toEqual({ _id: 5, email: 'u5@x', n: 1 });
      expect(await users2.findOne({ _id: 95 })).toBeNull();
      const indexes = await users2.listIndexes().toArray();
      expect(indexes.map((i) => i.name)).toEqual(['_id_', 'email_1']);
      expect(indexes[1]).toMatchObject({ key: { email: 1 }, unique: true });
      const dup = await rejection(users2.insertOne({ _id: 1000, email: 'u7@x' }));
      expect(dup.code).toBe(11000);
      expect(dup.keyValue).toEqual({ email: 'u7@x' });
      await users2.insertOne({ _id: 1001, email: 'u95@x' });
      const names = (await db2.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(names).toEqual(['users']);
    } finally {
      await client2.close();
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);

  it('a second restart replays on top of the first recovery', async () => {
    const dataDir = await tempDataDir();
    let server = await startCli(dataDir);
    for (let round = 0; round < 3; round++) {
      const client = await connect(server.uri);
      const coll = client.db('rounds').collection<{ _id: number; round: number }>('docs');
      await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: round * 50 + i, round })));
      expect(await coll.countDocuments()).toBe((round + 1) * 50);
      await client.close();
      server.child.kill(round === 1 ? 'SIGTERM' : 'SIGKILL');
      await server.exited;
      server = await startCli(dataDir);
    }
    const client = await connect(server.uri);
    try {
      const coll = client.db('rounds').collection('docs');
      expect(await coll.countDocuments()).toBe(150);
      expect((await coll.distinct('round')).sort()).toEqual([0, 1, 2]);
    } finally {
      await client.close();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 180_000);
});
