// Agenda 6 with the MongoDB backend on the test database: one-off jobs run
// once, repeating jobs repeat, and two workers sharing a job collection never
// run the same job twice.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db, MongoClient } from 'mongodb';
import { connectClient, startTestDatabase, waitFor, type TestDatabase } from '../support/mongo.js';

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;
const agendas: Agenda[] = [];

beforeAll(async () => {
  tdb = await startTestDatabase('agenda');
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
});
afterAll(async () => {
  await Promise.allSettled(agendas.map((a) => a.stop()));
  await client?.close();
  await tdb?.stop();
});

function makeAgenda(collection: string, name: string): Agenda {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection }),
    name,
    processEvery: 150,
    defaultLockLifetime: 60_000,
  });
  agenda.on('error', (err) => {
    // Surface backend errors in the test output; the assertions below decide pass/fail.
    console.error(`agenda ${name} error:`, err);
  });
  agendas.push(agenda);
  return agenda;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Agenda on the test database', () => {
  it('runs a one-off job exactly once', async () => {
    const agenda = makeAgenda('jobs_once', 'once-worker');
    let runs = 0;
    let seenData: unknown;
    agenda.define('once', async (job) => {
      seenData = job.attrs.data;
      runs++;
    });
    await agenda.start();
    await agenda.now('once', { hello: 'world' });
    await waitFor(() => runs >= 1, { timeoutMs: 15_000, what: 'the one-off job to run' });
    await sleep(1000); // several more polling rounds
    expect(runs).toBe(1);
    expect(seenData).toEqual({ hello: 'world' });
    const stored = await db.collection('jobs_once').find({ name: 'once' }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0].lastFinishedAt).toBeInstanceOf(Date);
    expect(stored[0].nextRunAt ?? null).toBeNull();
    expect(stored[0].lockedAt ?? null).toBeNull();
    await agenda.stop();
  });

  it('repeats a job scheduled every second', async () => {
    const agenda = makeAgenda('jobs_every', 'every-worker');
    const runAt: number[] = [];
    agenda.define('tick', async () => {
      runAt.push(Date.now());
    });
    await agenda.start();
    await agenda.every('1 second', 'tick');
    await waitFor(() => runAt.length >= 2, { timeoutMs: 15_000, what: 'the repeating job to run twice' });
    await agenda.stop();
    expect(runAt[1] - runAt[0]).toBeGreaterThanOrEqual(500);
    const stored = await db.collection('jobs_every').find({ name: 'tick' }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0].type).toBe('single');
    expect(stored[0].repeatInterval).toBe('1 second');
    expect(stored[0].nextRunAt).toBeInstanceOf(Date);
  });

  it('two workers on one collection run each of 30 jobs exactly once', async () => {
    const runs = db.collection<{ n: number; worker: string }>('multi_runs');
    await runs.createIndex({ n: 1 }, { unique: true });
    const duplicates: number[] = [];
    const workers = ['worker-a', 'worker-b'].map((name) => {
      const agenda = makeAgenda('jobs_multi', name);
      agenda.define(
        'multi',
        async (job) => {
          const { n } = job.attrs.data as { n: number };
          await sleep(20);
          try {
            await runs.insertOne({ n, worker: name });
          } catch (err) {
            if ((err as { code?: number }).code === 11000) duplicates.push(n);
            else throw err;
          }
        },
        { concurrency: 4 },
      );
      return agenda;
    });
    await Promise.all(workers.map((w) => w.ready));
    for (let n = 0; n < 30; n++) await workers[n % 2].now('multi', { n });
    expect(await db.collection('jobs_multi').countDocuments({ name: 'multi' })).toBe(30);

    await Promise.all(workers.map((w) => w.start()));
    await waitFor(async () => (await runs.countDocuments()) + duplicates.length >= 30, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'all 30 jobs to run',
    });
    await sleep(1000); // let any double-run surface
    await Promise.all(workers.map((w) => w.stop()));

    expect(duplicates).toEqual([]);
    const done = (await runs.find().sort({ n: 1 }).toArray()).map((r) => r.n);
    expect(done).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const stored = await db.collection('jobs_multi').find({ name: 'multi' }).toArray();
    expect(stored).toHaveLength(30);
    expect(stored.every((j) => j.lastFinishedAt instanceof Date)).toBe(true);
  }, 60_000);
});
