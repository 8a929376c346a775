// Suite `agenda-lock`: latency of Agenda's own "find and lock the next job"
// call (MongoJobRepository.getNextJobToRun → findOneAndUpdate with Agenda's
// query, sort and index) against the embedded server, idle at 1k vs 10k jobs,
// under load (10k due), and the throughput of a running Agenda.
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId, type Db, type Document } from 'mongodb';
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { startServer } from '../lib/server.js';
import { metric, now, round, summarize, type Metric, type Suite, type SuiteContext } from '../lib/measure.js';

const SUITE = 'agenda-lock';
const JOB = 'bench-job';
const BATCH = 1_000;
const PROCESS_EVERY_MS = 100;
const LOCK_LIFETIME_MS = 10 * 60 * 1000; // Agenda's default lockLifetime

/** Saves one job through Agenda itself and returns the raw document, the template for bulk inserts. */
async function savedJobShape(client: MongoClient): Promise<Document> {
  const db = client.db('agenda_shape');
  await db.dropDatabase();
  const agenda = new Agenda({ backend: new MongoBackend({ mongo: db }) });
  await agenda.ready;
  agenda.define(JOB, async () => undefined);
  await agenda.schedule('in 1 hour', JOB, { i: 0 });
  const doc = await db.collection('agendaJobs').findOne({ name: JOB });
  await agenda.stop();
  if (!doc) throw new Error('Agenda did not save the job');
  return doc;
}

/** A fresh database with Agenda's index (created by the backend itself) and `n` jobs shaped like `template`. */
async function jobDb(client: MongoClient, name: string, template: Document, n: number, nextRunAt: (i: number) => Date): Promise<{ db: Db; backend: MongoBackend }> {
  const db = client.db(name);
  await db.dropDatabase();
  const backend = new MongoBackend({ mongo: db });
  await backend.connect(); // creates findAndLockNextJobIndex
  const indexes = await db.collection('agendaJobs').indexes();
  if (!indexes.some((ix) => ix.name === 'findAndLockNextJobIndex')) throw new Error(`${name}: backend did not create findAndLockNextJobIndex`);
  const { _id: _ignored, ...shape } = template;
  for (let i = 0; i < n; i += BATCH) {
    const docs: Document[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) docs.push({ _id: new ObjectId(), ...shape, data: { i: j }, nextRunAt: nextRunAt(j) });
    await db.collection('agendaJobs').insertMany(docs);
  }
  return { db, backend };
}

/** One call of Agenda's lock query, exactly as JobProcessor.findAndLockNextJob makes it. */
async function lockOnce(backend: MongoBackend): Promise<[number, boolean]> {
  const t = now();
  const nextScanAt = new Date(Date.now() + PROCESS_EVERY_MS);
  const lockDeadline = new Date(Date.now() - LOCK_LIFETIME_MS);
  const job = await backend.repository.getNextJobToRun(JOB, nextScanAt, lockDeadline, undefined, { lastModifiedBy: undefined });
  return [now() - t, job !== undefined];
}

export const agendaLock: Suite = {
  name: SUITE,
  async run(ctx: SuiteContext): Promise<Metric[]> {
    const q = ctx.quick;
    const out: Metric[] = [];
    const server = await startServer({ profileDir: ctx.profileDir, label: SUITE });
    const client = await MongoClient.connect(server.uri, { maxPoolSize: 10 });
    try {
      const template = await savedJobShape(client);
      ctx.log(`saved job shape: ${Object.keys(template).join(', ')}`);

      // Idle: no due jobs, every call returns nothing. 1k and 10k measured side by side.
      const future = (i: number) => new Date(Date.now() + 3600_000 + i * 1000);
      const small = await jobDb(client, 'agenda_idle_1k', template, 1_000, future);
      const big = await jobDb(client, 'agenda_idle_10k', template, 10_000, future);
      const samples = q ? 200 : 1000;
      const lat: [number[], number[]] = [[], []];
      let unexpected = 0;
      for (let i = 0; i < 50; i++) await lockOnce(small.backend), await lockOnce(big.backend); // warm-up
      for (let i = 0; i < samples; i++) {
        const order: Array<[MongoBackend, number]> = i % 2 === 0 ? [[small.backend, 0], [big.backend, 1]] : [[big.backend, 1], [small.backend, 0]];
        for (const [backend, slot] of order) {
          const [ms, locked] = await lockOnce(backend);
          lat[slot].push(ms);
          if (locked) unexpected++;
        }
      }
      const s1 = summarize(lat[0]);
      const s10 = summarize(lat[1]);
      const idleDetail = { samplesEach: samples, mean1k_ms: round(s1.mean, 4), mean10k_ms: round(s10.mean, 4), max10k_ms: round(s10.max, 3), unexpectedLocks: unexpected };
      out.push(metric(SUITE, 'idle lock call p50 @1k jobs', round(s1.p50, 3), 'ms', undefined, idleDetail));
      out.push(metric(SUITE, 'idle lock call p99 @1k jobs', round(s1.p99, 3), 'ms', undefined, idleDetail));
      out.push(metric(SUITE, 'idle lock call p50 @10k jobs', round(s10.p50, 3), 'ms', undefined, idleDetail));
      out.push(metric(SUITE, 'idle lock call p99 @10k jobs', round(s10.p99, 3), 'ms', { op: '<=', limit: 5 }, idleDetail));
      out.push(metric(SUITE, 'idle lock call p99 ratio 10k/1k', round(s10.p99 / s1.p99, 2), '×', { op: '<=', limit: 1.5 }, idleDetail));
      ctx.log(`idle: 1k p50 ${round(s1.p50, 3)} / p99 ${round(s1.p99, 3)} ms; 10k p50 ${round(s10.p50, 3)} / p99 ${round(s10.p99, 3)} ms${unexpected ? `; ${unexpected} UNEXPECTED locks` : ''}`);
      await small.db.dropDatabase();
      await big.db.dropDatabase();

      // Under load: 10k jobs all due; lock the first 500 one after another.
      const due = (i: number) => new Date(Date.now() - 60_000 + i * 5);
      const load = await jobDb(client, 'agenda_due_10k', template, 10_000, due);
      const locks = q ? 200 : 500;
      const lockLat: number[] = [];
      let misses = 0;
      for (let i = 0; i < locks; i++) {
        const [ms, locked] = await lockOnce(load.backend);
        lockLat.push(ms);
        if (!locked) misses++;
      }
      const lockedCount = await load.db.collection('agendaJobs').countDocuments({ lockedAt: { $ne: null } });
      const sl = summarize(lockLat);
      const first = summarize(lockLat.slice(0, 100));
      const last = summarize(lockLat.slice(-100));
      const loadDetail = { locks, misses, lockedInDb: lockedCount, p50First100_ms: round(first.p50, 3), p50Last100_ms: round(last.p50, 3) };
      out.push(metric(SUITE, `due-load lock p50 (first ${locks} of 10k due)`, round(sl.p50, 3), 'ms', undefined, loadDetail));
      out.push(metric(SUITE, `due-load lock p99 (first ${locks} of 10k due)`, round(sl.p99, 3), 'ms', undefined, loadDetail));
      out.push(metric(SUITE, 'due-load lock p50 growth, last 100 / first 100', round(last.p50 / first.p50, 2), '×', undefined, loadDetail));
      ctx.log(`due-load: ${locks} locks p50 ${round(sl.p50, 3)} / p99 ${round(sl.p99, 3)} ms (first100 p50 ${round(first.p50, 3)}, last100 p50 ${round(last.p50, 3)}); misses ${misses}, locked in db ${lockedCount}`);
      await load.db.dropDatabase();

      // A running Agenda working through 10k due jobs with a no-op handler.
      const runMs = q ? 4_000 : 10_000;
      const run = await jobDb(client, 'agenda_run_10k', template, 10_000, due);
      const config = { processEvery: PROCESS_EVERY_MS, maxConcurrency: 50, defaultConcurrency: 50, lockLimit: 100, defaultLockLimit: 100 };
      const agenda = new Agenda({ backend: new MongoBackend({ mongo: run.db }), ...config });
      const done = new Set<string>();
      let completions = 0;
      let errors = 0;
      let firstError = '';
      agenda.define(JOB, async () => undefined);
      agenda.on(`complete:${JOB}`, (job) => {
        completions++;
        done.add(String(job.attrs._id));
      });
      agenda.on('error', (err: Error) => {
        errors++;
        firstError ||= err.message;
      });
      agenda.on('fail', (err: Error) => {
        errors++;
        firstError ||= err.message;
      });
      await agenda.ready;
      const t0 = now();
      await agenda.start();
      await sleep(runMs);
      const elapsed = now() - t0;
      const completed = completions;
      const distinct = done.size;
      // Stop taking jobs, let running ones finish (their state writes need the connection), then unlock the rest.
      await agenda.drain({ timeout: 5_000 });
      await agenda.stop();
      await sleep(300);
      const finishedInDb = await run.db.collection('agendaJobs').countDocuments({ lastFinishedAt: { $ne: null } });
      const runDetail = { windowMs: runMs, config, completions: completed, distinctJobs: distinct, finishedInDb, errors, firstError };
      out.push(metric(SUITE, `running Agenda: jobs completed in ${runMs / 1000} s (10k due)`, completed, 'jobs', undefined, runDetail));
      out.push(metric(SUITE, 'running Agenda: throughput', round((completed * 1000) / elapsed, 1), 'jobs/s', undefined, runDetail));
      ctx.log(`running Agenda: ${completed} completions (${distinct} distinct; ${finishedInDb} finished in db after drain) in ${round(elapsed / 1000, 1)} s; errors ${errors}${firstError ? ` (${firstError})` : ''}`);
      if (distinct !== completed) ctx.log('WARNING: some jobs completed more than once');
    } finally {
      await client.close().catch(() => undefined);
      await server.stop();
    }
    return out;
  },
};
