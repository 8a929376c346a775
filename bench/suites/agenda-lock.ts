// Suite `agenda-lock`: latency of Agenda's own "find and lock the next job"
// call (MongoJobRepository.getNextJobToRun → findOneAndUpdate with Agenda's
// query, sort and index) against the embedded server: idle at 1k vs 10k jobs,
// under load (10k due), with finished jobs present, and a running Agenda.
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

interface Shapes {
  scheduled: Document; // as saved by agenda.schedule()
  finished: Document; // as Agenda leaves a one-time job after it ran
}

/** Lets Agenda itself save one future job and run one job to completion; returns both raw documents as templates. */
async function savedJobShapes(client: MongoClient): Promise<Shapes> {
  const db = client.db('agenda_shape');
  await db.dropDatabase();
  const agenda = new Agenda({ backend: new MongoBackend({ mongo: db }), processEvery: PROCESS_EVERY_MS });
  await agenda.ready;
  agenda.define(JOB, async () => undefined);
  const scheduled = await agenda.schedule('in 1 hour', JOB, { i: 0 });
  const ran = await agenda.now(JOB, { i: 1 });
  const completed = new Promise<void>((resolve) => agenda.once(`complete:${JOB}`, () => resolve()));
  await agenda.start();
  await Promise.race([completed, sleep(10_000)]);
  await agenda.drain({ timeout: 2_000 });
  await agenda.stop();
  const jobs = db.collection('agendaJobs');
  const scheduledDoc = await jobs.findOne({ _id: new ObjectId(String(scheduled.attrs._id)) });
  const finishedDoc = await jobs.findOne({ _id: new ObjectId(String(ran.attrs._id)) });
  if (!scheduledDoc || !finishedDoc?.lastFinishedAt) throw new Error('Agenda did not save / finish the shape jobs');
  await db.dropDatabase();
  return { scheduled: scheduledDoc, finished: finishedDoc };
}

type Part = { count: number; shape: Document; nextRunAt: (i: number) => Date | null };

/** A fresh database with Agenda's index (created by the backend itself) and jobs cloned from real saved documents. */
async function jobDb(client: MongoClient, name: string, parts: Part[]): Promise<{ db: Db; backend: MongoBackend }> {
  const db = client.db(name);
  await db.dropDatabase();
  const backend = new MongoBackend({ mongo: db });
  await backend.connect(); // creates findAndLockNextJobIndex
  const indexes = await db.collection('agendaJobs').indexes();
  if (!indexes.some((ix) => ix.name === 'findAndLockNextJobIndex')) throw new Error(`${name}: backend did not create findAndLockNextJobIndex`);
  let k = 0;
  for (const { count, shape, nextRunAt } of parts) {
    const { _id: _ignored, ...fields } = shape;
    for (let i = 0; i < count; i += BATCH) {
      const docs: Document[] = [];
      for (let j = i; j < Math.min(count, i + BATCH); j++) docs.push({ _id: new ObjectId(), ...fields, data: { i: k++ }, nextRunAt: nextRunAt(j) });
      await db.collection('agendaJobs').insertMany(docs);
    }
  }
  return { db, backend };
}

/** One call of Agenda's lock query, with the arguments JobProcessor.findAndLockNextJob passes. */
async function lockOnce(backend: MongoBackend): Promise<[number, boolean]> {
  const t = now();
  const nextScanAt = new Date(Date.now() + PROCESS_EVERY_MS);
  const lockDeadline = new Date(Date.now() - LOCK_LIFETIME_MS);
  const job = await backend.repository.getNextJobToRun(JOB, nextScanAt, lockDeadline, undefined, { lastModifiedBy: undefined });
  return [now() - t, job !== undefined];
}

/**
 * `samples` lock calls on each backend, alternating which goes first; latencies in ms and how many calls locked a job.
 * With `ping`, a no-op round trip is timed in the same loop: the floor (and the machine's own tail) for comparison.
 */
async function sideBySide(a: MongoBackend, b: MongoBackend, samples: number, warmup: number, ping?: () => Promise<unknown>) {
  const lat: [number[], number[]] = [[], []];
  const pings: number[] = [];
  const locked = [0, 0];
  for (let i = 0; i < warmup; i++) {
    await lockOnce(a);
    await lockOnce(b);
  }
  for (let i = 0; i < samples; i++) {
    for (const slot of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const [ms, ok] = await lockOnce(slot === 0 ? a : b);
      lat[slot].push(ms);
      if (ok) locked[slot]++;
    }
    if (ping) {
      const t = now();
      await ping();
      pings.push(now() - t);
    }
  }
  return { a: summarize(lat[0]), b: summarize(lat[1]), ping: summarize(pings), locked };
}

const future = (i: number) => new Date(Date.now() + 3600_000 + i * 1000);
const due = (i: number) => new Date(Date.now() - 60_000 + (i % 10_000) * 5);

export const agendaLock: Suite = {
  name: SUITE,
  async run(ctx: SuiteContext): Promise<Metric[]> {
    const q = ctx.quick;
    const out: Metric[] = [];
    const server = await startServer({ profileDir: ctx.profileDir, label: SUITE });
    const client = await MongoClient.connect(server.uri, { maxPoolSize: 10 });
    try {
      const shapes = await savedJobShapes(client);
      ctx.log(`saved job shape: ${Object.keys(shapes.scheduled).join(', ')}`);

      // Idle: nothing due, every call returns nothing. 1k and 10k jobs measured side by side.
      const idle1k = await jobDb(client, 'agenda_idle_1k', [{ count: 1_000, shape: shapes.scheduled, nextRunAt: future }]);
      const idle10k = await jobDb(client, 'agenda_idle_10k', [{ count: 10_000, shape: shapes.scheduled, nextRunAt: future }]);
      const samples = q ? 500 : 2000;
      const idle = await sideBySide(idle1k.backend, idle10k.backend, samples, 200, () => client.db('admin').command({ ping: 1 }));
      const [s1, s10] = [idle.a, idle.b];
      const idleDetail = { samplesEach: samples, pingP50_ms: round(idle.ping.p50, 3), pingP99_ms: round(idle.ping.p99, 3), mean1k_ms: round(s1.mean, 4), mean10k_ms: round(s10.mean, 4), max1k_ms: round(s1.max, 3), max10k_ms: round(s10.max, 3), unexpectedLocks: idle.locked[0] + idle.locked[1] };
      out.push(metric(SUITE, 'idle lock call p50 @1k jobs', round(s1.p50, 3), 'ms', undefined, idleDetail));
      out.push(metric(SUITE, 'idle lock call p99 @1k jobs', round(s1.p99, 3), 'ms', undefined, idleDetail));
      out.push(metric(SUITE, 'idle lock call p50 @10k jobs', round(s10.p50, 3), 'ms', undefined, idleDetail));
      out.push(metric(SUITE, 'idle lock call p99 @10k jobs', round(s10.p99, 3), 'ms', { op: '<=', limit: 5 }, idleDetail));
      out.push(metric(SUITE, 'idle lock call p99 ratio 10k/1k', round(s10.p99 / s1.p99, 2), '×', { op: '<=', limit: 1.5 }, idleDetail));
      out.push(metric(SUITE, 'ping p99 in the same loop (noise floor)', round(idle.ping.p99, 3), 'ms', undefined, idleDetail));
      ctx.log(`idle: 1k p50 ${round(s1.p50, 3)} / p99 ${round(s1.p99, 3)} ms; 10k p50 ${round(s10.p50, 3)} / p99 ${round(s10.p99, 3)} ms; ping p50 ${round(idle.ping.p50, 3)} / p99 ${round(idle.ping.p99, 3)} ms`);
      if (idleDetail.unexpectedLocks) ctx.log(`WARNING: ${idleDetail.unexpectedLocks} idle calls locked a job`);
      await idle1k.db.dropDatabase();
      await idle10k.db.dropDatabase();

      // Under load: 10k jobs all due; lock the first 500 one after another.
      const load = await jobDb(client, 'agenda_due_10k', [{ count: 10_000, shape: shapes.scheduled, nextRunAt: due }]);
      const locks = q ? 200 : 500;
      const lockLat: number[] = [];
      let misses = 0;
      for (let i = 0; i < locks; i++) {
        const [ms, ok] = await lockOnce(load.backend);
        lockLat.push(ms);
        if (!ok) misses++;
      }
      const lockedInDb = await load.db.collection('agendaJobs').countDocuments({ lockedAt: { $ne: null } });
      const sl = summarize(lockLat);
      const first = summarize(lockLat.slice(0, 100));
      const last = summarize(lockLat.slice(-100));
      const loadDetail = { locks, misses, lockedInDb, p50First100_ms: round(first.p50, 3), p50Last100_ms: round(last.p50, 3) };
      out.push(metric(SUITE, `due lock p50 (first ${locks} of 10k due)`, round(sl.p50, 3), 'ms', undefined, loadDetail));
      out.push(metric(SUITE, `due lock p99 (first ${locks} of 10k due)`, round(sl.p99, 3), 'ms', undefined, loadDetail));
      out.push(metric(SUITE, 'due lock p50, last 100 / first 100', round(last.p50 / first.p50, 2), '×', undefined, loadDetail));
      ctx.log(`due: ${locks} locks p50 ${round(sl.p50, 3)} / p99 ${round(sl.p99, 3)} ms (first100 p50 ${round(first.p50, 3)}, last100 ${round(last.p50, 3)}); misses ${misses}, locked in db ${lockedInDb}`);
      await load.db.dropDatabase();

      // Diagnostic: the same due queue with 5k finished one-time jobs left in the collection (nextRunAt null), side by side.
      const finishedN = 5_000;
      const plain = await jobDb(client, 'agenda_due_plain', [{ count: 10_000, shape: shapes.scheduled, nextRunAt: due }]);
      const withDone = await jobDb(client, 'agenda_due_finished', [
        { count: finishedN, shape: shapes.finished, nextRunAt: () => null },
        { count: 10_000, shape: shapes.scheduled, nextRunAt: due },
      ]);
      const fin = await sideBySide(plain.backend, withDone.backend, q ? 100 : 200, 20);
      const finDetail = { samplesEach: fin.a.n, p50_plain_ms: round(fin.a.p50, 3), p50_withFinished_ms: round(fin.b.p50, 3), p99_plain_ms: round(fin.a.p99, 3), p99_withFinished_ms: round(fin.b.p99, 3), locked: fin.locked };
      out.push(metric(SUITE, `due lock p50 with ${finishedN / 1000}k finished jobs present`, round(fin.b.p50, 3), 'ms', undefined, finDetail));
      out.push(metric(SUITE, `due lock p50 ratio, ${finishedN / 1000}k finished / none`, round(fin.b.p50 / fin.a.p50, 2), '×', undefined, finDetail));
      ctx.log(`due with ${finishedN} finished: p50 ${round(fin.b.p50, 3)} ms vs ${round(fin.a.p50, 3)} ms without (×${round(fin.b.p50 / fin.a.p50, 2)})`);
      await plain.db.dropDatabase();
      await withDone.db.dropDatabase();

      // A running Agenda working through 10k due jobs with a no-op handler.
      const runMs = q ? 4_000 : 10_000;
      const run = await jobDb(client, 'agenda_run_10k', [{ count: 10_000, shape: shapes.scheduled, nextRunAt: due }]);
      const config = { processEvery: PROCESS_EVERY_MS, maxConcurrency: 50, defaultConcurrency: 50, lockLimit: 100, defaultLockLimit: 100 };
      const agenda = new Agenda({ backend: new MongoBackend({ mongo: run.db }), ...config });
      const done = new Set<string>();
      const stamps: number[] = [];
      let errors = 0;
      let firstError = '';
      agenda.define(JOB, async () => undefined);
      agenda.on(`complete:${JOB}`, (job) => {
        stamps.push(now());
        done.add(String(job.attrs._id));
      });
      const onError = (err: Error) => {
        errors++;
        firstError ||= err.message;
      };
      agenda.on('error', onError);
      agenda.on('fail', onError);
      await agenda.ready;
      const t0 = now();
      await agenda.start();
      await sleep(runMs);
      const elapsed = now() - t0;
      const completed = stamps.length;
      const distinct = done.size;
      // Stop taking jobs, let running ones finish (their state writes need the connection), then unlock the rest.
      await agenda.drain({ timeout: 5_000 });
      await agenda.stop();
      await sleep(300);
      const rate = (from: number, to: number) => stamps.filter((t) => t - t0 >= from && t - t0 < to).length / ((to - from) / 1000);
      const firstRate = rate(0, 2000);
      const lastRate = rate(runMs - 2000, runMs);
      const runDetail = { windowMs: runMs, config, completions: completed, distinctJobs: distinct, jobsPerSecFirst2s: firstRate, jobsPerSecLast2s: lastRate, errors, firstError };
      out.push(metric(SUITE, `running Agenda: jobs completed in ${runMs / 1000} s (10k due)`, completed, 'jobs', undefined, runDetail));
      out.push(metric(SUITE, 'running Agenda: throughput', round((completed * 1000) / elapsed, 1), 'jobs/s', undefined, runDetail));
      out.push(metric(SUITE, 'running Agenda: jobs/s last 2 s / first 2 s', round(lastRate / firstRate, 2), '×', undefined, runDetail));
      ctx.log(`running Agenda: ${completed} completions (${distinct} distinct) in ${round(elapsed / 1000, 1)} s; ${firstRate}/s in first 2 s, ${lastRate}/s in last 2 s; errors ${errors}${firstError ? ` (${firstError})` : ''}`);
      if (distinct !== completed) ctx.log('WARNING: some jobs completed more than once');
    } finally {
      await client.close().catch(() => undefined);
      await server.stop();
    }
    return out;
  },
};
