// Suite `sla-clocks`: how precisely the running bot fires SLA milestones, and
// what the catch-up sweep costs as the number of open tickets grows.
//
// Three processes: this one (loads data, reads results), the embedded server
// (bench/lib/server.ts) and the bot — the real app started with startApp()
// against that server (bench/lib/bot.ts → bench/lib/sla-bot.ts).
//
// 1. Milestone precision: N tickets whose resolution clock has its reminder due
//    at a chosen instant, the instants spread evenly over one minute; each has
//    the Agenda job JobRunner.schedule() saves for it. Lateness of a milestone =
//    (the notice's createdAt, stamped by the app when it stores the notice) −
//    (the clock's next.at). Run at 10,000 and at 1,000 clocks.
// 2. Sweep cost: ClockService.sweep() (timed inside the bot) with 10k and 100k
//    open tickets (most with a running clock and its pending job, ~20 due now
//    whose jobs were lost), side by side, resetting the due ones between runs.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId, type Db, type Document } from 'mongodb';
import { REPO_ROOT, startServer, type ServerProcess } from '../lib/server.js';
import { startBot, withDbName, type BotProcess } from '../lib/bot.js';
import { machineBusyMs, processCpuMs } from '../lib/cpu.js';
import type { BotStats } from '../lib/sla-bot.js';
import { metric, rng, round, summarize, type Metric, type Suite, type SuiteContext, type Summary } from '../lib/measure.js';
import { DEFAULT_POLICY } from '../../src/sla/sla.policy.js';
import { nextMilestone, type ClockState } from '../../src/sla/clock.js';
import { CalendarRegistry } from '../../src/sla/calendar/index.js';
import { JOB_NAMES } from '../../jobs/job-names.js';

const SUITE = 'sla-clocks';
const BATCH = 1_000;
const CLOCK = 'resolution';
const REMIND_AT = DEFAULT_POLICY.reminders.at;
const TARGET_P99_MS = 250;
const FIRST_NUMBER = 1_000;
/** Warm-up before the window (full run / quick run): milestones at the window's rate over WARM, ending GAP before the window. */
const WARM = { full: 3_000, quick: 2_000 };
const GAP = { full: 1_500, quick: 1_000 };

interface Template {
  /** A ticket opened and claimed through the real app (console), as stored. */
  ticket: Document;
  /** The Agenda job JobRunner.schedule() saved for its resolution clock, as stored. */
  job: Document;
}

/** Opens and claims one ticket through the running app and returns the stored ticket and its resolution job as templates. */
export async function makeTemplate(bot: BotProcess, db: Db): Promise<Template> {
  type Reply = { status: number; body: unknown };
  const opened = await bot.call<Reply>('console', { user: 'grace.liu', text: '/ticket open SLA bench template --priority P3' });
  const id = /\bT-\d+\b/.exec(JSON.stringify(opened.body))?.[0];
  if (opened.status !== 200 || !id) throw new Error(`opening the template ticket failed: ${JSON.stringify(opened).slice(0, 300)}`);
  const claimed = await bot.call<Reply>('console', { user: 'zhang.wei', text: `/ticket claim ${id}` });
  if (claimed.status !== 200) throw new Error(`claiming the template ticket failed: ${JSON.stringify(claimed).slice(0, 300)}`);
  const ticket = await db.collection('tickets').findOne({ _id: id as never });
  const job = await db.collection('agendaJobs').findOne({ name: JOB_NAMES.clockMilestone, 'data.ticketId': id, 'data.clock': CLOCK });
  const clock = (ticket?.clocks as Document[] | undefined)?.find((c) => c.name === CLOCK);
  if (!ticket || !job || clock?.status !== 'running' || !clock.next) throw new Error(`template ${id}: no running ${CLOCK} clock with a scheduled job`);
  if (ticket.departmentId !== 'support' || ticket.ownerId !== 'zhang.wei') throw new Error(`template ${id}: unexpected department/owner`);
  return { ticket, job };
}

function stoppedClock(c: Document): Document {
  const { next: _next, runningSince: _since, ...rest } = c;
  return { ...rest, status: 'stopped', stoppedAt: c.startedAt, seq: c.seq + 1 };
}

/** The resolution clock running so that its reminder (at REMIND_AT of the target) falls due exactly at `due`. */
function clockDueAt(c: Document, due: Date): Document {
  const start = new Date(due.getTime() - Math.round(REMIND_AT * c.targetMs));
  return { ...c, status: 'running', startedAt: start, runningSince: start, usedMs: 0, pausedReasons: [], renags: 0, next: { kind: 'reminder', at: due, seq: c.seq } };
}

function pausedClock(c: Document): Document {
  const { next: _next, runningSince: _since, ...rest } = c;
  return { ...rest, status: 'paused', pausedReasons: ['customer'], seq: c.seq + 1 };
}

/** A copy of the template ticket; only the resolution clock may run (other running clocks are stopped). */
function cloneTicket(tpl: Template, n: number, resolution: (c: Document) => Document, patch: Document = {}): Document {
  const doc = structuredClone(tpl.ticket);
  doc._id = `T-${n}`;
  doc.number = n;
  doc.title = `SLA bench ticket ${n}`;
  doc.clocks = (doc.clocks as Document[]).map((c) => (c.name === CLOCK ? resolution(c) : c.status === 'running' ? stoppedClock(c) : c));
  const start = (doc.clocks as Document[]).find((c) => c.name === CLOCK)!.startedAt as Date;
  return { ...doc, createdAt: start, updatedAt: start, ...patch };
}

/** The job JobRunner.schedule() saves for the ticket's resolution clock (same fields, key and nextRunAt). */
function cloneJob(tpl: Template, ticket: Document): Document {
  const { _id: _ignored, ...fields } = tpl.job;
  const c = (ticket.clocks as Document[]).find((x) => x.name === CLOCK)!;
  const seq = c.next.seq as number;
  return { _id: new ObjectId(), ...structuredClone(fields), data: { ticketId: ticket._id, clock: CLOCK, seq, key: `${ticket._id}:${CLOCK}:${seq}` }, nextRunAt: c.next.at };
}

/** insertMany in batches, two in flight (the client encodes one while the server stores the other). */
async function insertAll(db: Db, coll: string, docs: Document[]): Promise<number> {
  const t = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const from = next;
      next += BATCH;
      await db.collection(coll).insertMany(docs.slice(from, from + BATCH), { ordered: true });
    }
  };
  await Promise.all([worker(), worker()]);
  return performance.now() - t;
}

function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** The real clock engine must agree that the clone's reminder falls due at the instant we set. */
function checkCloneAgainstEngine(ticket: Document): void {
  const calendars = new CalendarRegistry(Object.values(DEFAULT_POLICY.calendars));
  const c = (ticket.clocks as Document[]).find((x) => x.name === CLOCK)! as unknown as ClockState;
  const next = nextMilestone(c, calendars.get(c.calendarId), DEFAULT_POLICY.reminders);
  if (!next || next.kind !== 'reminder' || Math.abs(next.at.getTime() - c.next!.at.getTime()) > 1) {
    throw new Error(`clone clock disagrees with nextMilestone(): ${JSON.stringify(next)} vs ${JSON.stringify(c.next)}`);
  }
}

const s = (xs: number[]): Summary => summarize(xs);
const r1 = (x: number) => round(x, 1);

interface PrecisionOptions {
  n: number;
  windowMs: number;
  graceMs: number;
  jobPollMs?: number;
  profileDir?: string;
  label: string;
  /** Diagnostic only: an index on the job key JobRunner.schedule() looks jobs up by (the app does not create one). */
  jobKeyIndex?: boolean;
  /** Diagnostic only: other Agenda limits for the clock.milestone job (the app defines concurrency 20, no lock limit). */
  milestoneJob?: { lockLimit?: number; concurrency?: number };
  warmMs: number;
  gapMs: number;
}

interface PrecisionResult {
  template: Template;
  n: number;
  jobPollMs: number;
  fired: number;
  notice: Summary;
  detail: Record<string, unknown>;
}

/** One precision run on a fresh database with a fresh bot process. */
export async function precisionRun(ctx: SuiteContext, server: ServerProcess, client: MongoClient, o: PrecisionOptions): Promise<PrecisionResult> {
  const dbName = `sla_precision_${o.label}`;
  const db = client.db(dbName);
  await db.dropDatabase();
  const bot = await startBot();
  try {
    await bot.call('start', { uris: [withDbName(server.uri, dbName)], jobPollMs: o.jobPollMs, milestoneJob: o.milestoneJob });
    const tpl = await makeTemplate(bot, db);
    if (o.jobKeyIndex) await db.collection('agendaJobs').createIndex({ name: 1, 'data.key': 1 }, { name: 'bench_job_key' });
    const r = rng(o.n);
    // Warm-up (not counted): warmMs worth of milestones at the window's rate, ending gapMs before it, so JIT and caches are warm.
    const { warmMs, gapMs } = o;
    const warm = Math.max(10, Math.round((o.n * warmMs) / o.windowMs));
    // Lead time for loading tickets and jobs (~2 s per 10k here) before the first warm-up milestone falls due.
    const lead = 1_500 + o.n * 0.35 + gapMs + warmMs;
    const w0 = Date.now() + lead;
    const numbers = shuffle(Array.from({ length: o.n + warm }, (_, i) => FIRST_NUMBER + i), r);
    const due = new Map<string, number>();
    const main: string[] = [];
    const tickets: Document[] = [];
    for (let i = 0; i < o.n + warm; i++) {
      // Warm-up milestones first (not counted); the counted ones fall due evenly over the window.
      const at = i < warm ? w0 - gapMs - warmMs + (i * warmMs) / warm : w0 + ((i - warm + 0.5) * o.windowMs) / o.n;
      const t = cloneTicket(tpl, numbers[i], (c) => clockDueAt(c, new Date(Math.round(at))));
      tickets.push(t);
      due.set(t._id, Math.round(at));
      if (i >= warm) main.push(t._id);
    }
    checkCloneAgainstEngine(tickets[0]);
    const ticketMs = await insertAll(db, 'tickets', tickets);
    const jobMs = await insertAll(db, 'agendaJobs', tickets.map((t) => cloneJob(tpl, t)));
    // JobRunner.schedule() on a sample: it must find the cloned jobs by their key (no new job), and shows its cost at this job count.
    const jobsBefore = await db.collection('agendaJobs').countDocuments({ name: JOB_NAMES.clockMilestone });
    const sample = main.slice(0, 20);
    const sched = await bot.call<{ ms: number; missing: number }>('schedule', { ids: sample, concurrency: 1 });
    const jobsAfter = await db.collection('agendaJobs').countDocuments({ name: JOB_NAMES.clockMilestone });
    if (jobsAfter !== jobsBefore || sched.missing) throw new Error(`schedule() on cloned tickets created ${jobsAfter - jobsBefore} new jobs (missing ${sched.missing}): clone shape differs from the app's`);
    const slack = w0 - gapMs - warmMs - Date.now();
    ctx.log(`[${o.label}] loaded ${o.n + warm} tickets in ${r1(ticketMs)} ms + jobs in ${r1(jobMs)} ms; schedule() ${r1(sched.ms / sample.length)} ms/call with ${jobsBefore} jobs; ${r1(slack)} ms to spare`);
    if (slack < 500) ctx.log(`WARNING [${o.label}]: loading ran into the warm-up milestones (${r1(slack)} ms spare)`);

    await sleep(Math.max(0, w0 - gapMs - warmMs - 500 - Date.now()));
    await bot.call('resetStats');
    if (o.profileDir) await bot.call('profileStart');
    const cpu0 = await processCpuMs(server.pid);
    const machine0 = await machineBusyMs();
    const self0 = process.cpuUsage();
    const wall0 = Date.now();
    // Progress every 10 s (from the bot's own counters over IPC: no extra load on the server).
    while (Date.now() < w0 + o.windowMs) {
      await sleep(Math.min(10_000, Math.max(0, w0 + o.windowMs - Date.now())));
      const p = await bot.call<{ fired: number; started: number; completed: number; locks: number }>('progress');
      const elapsed = Math.max(0, Date.now() - w0);
      const dueSoFar = Math.min(o.n, Math.round((elapsed / o.windowMs) * o.n)) + warm;
      ctx.log(`  [${o.label}] t+${r1(elapsed / 1000)} s: ${p.fired} fired / ${dueSoFar} due so far (${p.started} jobs started, ${p.locks} locked)`);
    }
    // After the window: wait (polling once a second) until every milestone has a notice, or the grace time is up.
    const expected = o.n + warm;
    let stored = 0;
    while (Date.now() < w0 + o.windowMs + o.graceMs) {
      stored = await db.collection('notifications').countDocuments({ message: 'clock.reminder' });
      if (stored >= expected) break;
      await sleep(1_000);
    }
    const cpu1 = await processCpuMs(server.pid);
    const machine1 = await machineBusyMs();
    const self = process.cpuUsage(self0);
    const wall1 = Date.now();
    const stats = await bot.call<BotStats>('stats');
    if (o.profileDir) {
      mkdirSync(o.profileDir, { recursive: true });
      const file = path.join(o.profileDir, `${SUITE}-bot-${o.label}.cpuprofile`);
      await bot.call('profileStop', { file });
      ctx.log(`[${o.label}] bot CPU profile: ${path.relative(REPO_ROOT, file)}`);
    }
    const locked = await db.collection('agendaJobs').countDocuments({ name: JOB_NAMES.clockMilestone, lockedAt: { $ne: null } });
    // Killed, not stopped: Agenda's stop() unlocks every job it holds with one updateMany({ _id: { $in: [...] } }),
    // which the embedded server answers in time that grows with the square of the id count (minutes for thousands).
    await bot.kill();

    const notices = await db.collection('notifications').find({ message: 'clock.reminder' }, { projection: { ticketId: 1, createdAt: 1 } }).toArray();
    const noticeAt = new Map<string, number>();
    let duplicates = 0;
    for (const n of notices) {
      if (noticeAt.has(n.ticketId)) duplicates++;
      else noticeAt.set(n.ticketId, (n.createdAt as Date).getTime());
    }
    // All tickets, filtered here: the embedded server's $in over thousands of values is quadratic (see README).
    const stored2 = await db.collection('tickets').find({}, { projection: { clocks: 1 } }).toArray();
    const remindedAt = new Map<string, number>();
    for (const t of stored2) {
      const c = (t.clocks as Document[]).find((x) => x.name === CLOCK);
      if (c?.remindedAt) remindedAt.set(String(t._id), (c.remindedAt as Date).getTime());
    }
    const fires = new Map(stats.fires.filter((f) => f.result === 'fired' && f.clock === CLOCK).map((f) => [f.ticketId, f]));
    const jobs = new Map(stats.jobs.filter((j) => j.seq === 0).map((j) => [j.ticketId, j]));

    const late = { notice: [] as number[], recorded: [] as number[], returned: [] as number[], locked: [] as number[], started: [] as number[], entered: [] as number[], fireMs: [] as number[] };
    let viaSweep = 0;
    let unfired = 0;
    for (const id of main) {
      const d = due.get(id)!;
      const at = noticeAt.get(id);
      if (at === undefined) {
        unfired++;
        continue;
      }
      late.notice.push(at - d);
      const rec = remindedAt.get(id);
      if (rec !== undefined) late.recorded.push(rec - d);
      const f = fires.get(id);
      if (f) {
        late.returned.push(f.end - d);
        late.entered.push(f.start - d);
        late.fireMs.push(f.end - f.start);
        if (f.via === 'sweep') viaSweep++;
      }
      const j = jobs.get(id);
      if (j) {
        late.locked.push(j.lockedAt - d);
        late.started.push(j.startedAt - d);
      }
    }
    const notice = s(late.notice);
    // Lateness by when the milestone fell due (slices of the window): shows whether the tail is a start-up transient or a backlog.
    const slices = 6;
    const bySlice: number[][] = Array.from({ length: slices }, () => []);
    for (const id of main) {
      const at = noticeAt.get(id);
      if (at === undefined) continue;
      const d = due.get(id)!;
      bySlice[Math.min(slices - 1, Math.floor(((d - w0) / o.windowMs) * slices))].push(at - d);
    }
    const sliceP99 = bySlice.map((xs) => r1(s(xs).p99));
    // Agenda starts the jobs it locked only when its whole scan (one lock call per job due before the next scan) is over:
    // a milestone that falls due while a scan runs waits for the end of it.
    const scans = stats.scans.filter(([a, b]) => b >= wall0 - 5_000 && a <= wall1);
    // Scans that never ended (still running when the stats were taken) hold up every milestone due after they began.
    const spans: Array<[number, number]> = [...scans, ...stats.openScans.map((a): [number, number] => [a, Infinity])];
    const scanWaits: number[] = [];
    let dueInScan = 0;
    for (const id of main) {
      if (!noticeAt.has(id)) continue;
      const d = due.get(id)!;
      const hit = spans.find(([a, b]) => a <= d && d < b);
      if (hit) {
        dueInScan++;
        if (hit[1] !== Infinity) scanWaits.push(hit[1] - d);
      }
    }
    // The ten latest milestones, step by step (ms relative to due), with the scan (if any) that was running when each fell due.
    const lateSamples = main
      .filter((id) => noticeAt.has(id))
      .sort((x, y) => noticeAt.get(y)! - due.get(y)! - (noticeAt.get(x)! - due.get(x)!))
      .slice(0, 10)
      .map((id) => {
        const d = due.get(id)!;
        const j = jobs.get(id);
        const f = fires.get(id);
        const scan = spans.find(([a, b]) => a <= d && d < b);
        return { id, locked: j ? j.lockedAt - d : null, started: j ? j.startedAt - d : null, fireEntered: f ? f.start - d : null, notice: noticeAt.get(id)! - d, fireReturned: f ? f.end - d : null, via: f?.via ?? null, scanAtDue: scan ? [scan[0] - d, scan[1] === Infinity ? 'still running' : scan[1] - d] : null };
      });
    const sum = (xs: number[]) => {
      const z = s(xs);
      return { n: z.n, p50: r1(z.p50), p99: r1(z.p99), max: r1(z.max), min: r1(z.min) };
    };
    const wall = wall1 - wall0;
    const staleJobs = stats.fires.filter((f) => f.via === 'job' && f.result === 'stale').length;
    const detail: Record<string, unknown> = {
      clocks: o.n,
      windowMs: o.windowMs,
      jobPollMs: o.jobPollMs ?? 1000,
      warmup: { milestones: warm, overMs: warmMs, endingMsBeforeWindow: gapMs },
      fired: late.notice.length,
      unfiredAfterGraceMs: { count: unfired, graceMs: o.graceMs },
      firedBySweep: viaSweep,
      staleJobRuns: staleJobs,
      duplicateNotices: duplicates,
      lateness_ms: {
        lockedAt_minus_due: sum(late.locked),
        jobStarted_minus_due: sum(late.started),
        fireEntered_minus_due: sum(late.entered),
        remindedAt_minus_due: sum(late.recorded),
        notice_minus_due: sum(late.notice),
        fireReturned_minus_due: sum(late.returned),
      },
      noticeLatenessP99_byWindowSlice_ms: sliceP99,
      latestMilestones_msFromDue: lateSamples,
      agendaScans: { started: stats.scansStarted, maxAtOnce: stats.maxConcurrentScans, stillRunning: stats.openScans.length, count: scans.length, duration_ms: sum(scans.map(([a, b]) => b - a)), milestonesDueDuringAScan: dueInScan, waitForScanEnd_ms: sum(scanWaits) },
      fireDuration_ms: sum(late.fireMs),
      lockCalls: { hits: stats.lockHit.length, misses: stats.lockMiss.length, hit: sum(stats.lockHit), miss: sum(stats.lockMiss) },
      fireSteps_ms: Object.fromEntries(Object.entries(stats.fireSteps).map(([k, xs]) => [k, sum(xs)])),
      scheduleCallWithAllJobs_ms: r1(sched.ms / sample.length),
      jobsInCollection: jobsBefore,
      serverCpuPct: r1(((cpu1 - cpu0) / wall) * 100),
      botCpuPct: r1((stats.cpuMs / stats.wallMs) * 100),
      // Everything else on the machine (other processes), in % of one core: a busy machine makes the figures worse.
      otherProcessesCpuPct: r1(((machine1 - machine0 - (cpu1 - cpu0) - stats.cpuMs - (self.user + self.system) / 1000) / wall) * 100),
      cores: os.cpus().length,
      botEventLoopDelay_ms: { p50: r1(stats.loopDelay.p50), p99: r1(stats.loopDelay.p99), max: r1(stats.loopDelay.max) },
      jobsLockedAtEnd: locked,
      jobKeyIndex: !!o.jobKeyIndex,
      milestoneJobWhatIf: o.milestoneJob ?? null,
      botErrors: stats.errors.length,
      firstBotErrors: stats.errors.slice(0, 3),
      load: { ticketsMs: r1(ticketMs), jobsMs: r1(jobMs) },
    };
    ctx.log(
      `[${o.label}] ${late.notice.length}/${o.n} fired (${unfired} not within ${o.graceMs / 1000} s after the window, ${viaSweep} by the sweep); ` +
        `lateness p50 ${r1(notice.p50)} / p99 ${r1(notice.p99)} / max ${r1(notice.max)} ms; ` +
        `locked−due p50 ${r1(s(late.locked).p50)} p99 ${r1(s(late.locked).p99)}; started−due p99 ${r1(s(late.started).p99)}; fire() p50 ${r1(s(late.fireMs).p50)} p99 ${r1(s(late.fireMs).p99)} ms; ` +
        `schedule() in fire p50 ${r1(s(stats.scheduleInFire).p50)} ms; lock calls ${stats.lockHit.length} hit (p50 ${r1(s(stats.lockHit).p50)} ms) / ${stats.lockMiss.length} miss; ` +
        `CPU server ${detail.serverCpuPct}% bot ${detail.botCpuPct}% other processes ${detail.otherProcessesCpuPct}%; bot loop delay p99 ${r1(stats.loopDelay.p99)} ms; errors ${stats.errors.length}; ` +
        `p99 by sixth of the window: ${sliceP99.join(', ')} ms; Agenda scans: ${stats.scansStarted} started, ${scans.length} ended, up to ${stats.maxConcurrentScans} at once, p50 ${r1(s(scans.map(([a, b]) => b - a)).p50)} / p99 ${r1(s(scans.map(([a, b]) => b - a)).p99)} ms; ${dueInScan} milestones fell due during one`,
    );
    if (stats.errors.length) ctx.log(`  first bot error: ${stats.errors[0]}`);
    if (duplicates) ctx.log(`WARNING [${o.label}]: ${duplicates} duplicate reminder notices`);
    await db.dropDatabase();
    return { template: tpl, n: o.n, jobPollMs: o.jobPollMs ?? 1000, fired: late.notice.length, notice, detail };
  } finally {
    await bot.kill();
  }
}

export interface SweepSide {
  name: string;
  db: Db;
  app: number;
  due: Document[];
  dueIds: string[];
  /** When the due tickets' next milestone (the breach) falls due: the nextRunAt of the jobs their sweep schedules. */
  breachAt: Date[];
}

/** n open tickets: ~10 % waiting on the customer (clock paused), `dueCount` due now (their jobs lost), the rest running with their job pending, due within 30 days. */
export async function loadSweepDb(db: Db, tpl: Template, n: number, dueCount: number, seed: number): Promise<{ due: Document[]; ms: number }> {
  const r = rng(seed);
  const nowMs = Date.now();
  const every = Math.floor(n / dueCount);
  const tickets: Document[] = [];
  const jobs: Document[] = [];
  const due: Document[] = [];
  for (let i = 0; i < n; i++) {
    const num = FIRST_NUMBER + i;
    let t: Document;
    if (i % every === every >> 1 && due.length < dueCount) {
      t = cloneTicket(tpl, num, (c) => clockDueAt(c, new Date(nowMs - 1_000 - Math.floor(r() * 60_000))));
      due.push(t);
    } else if (r() < 0.1) {
      t = cloneTicket(tpl, num, pausedClock, { state: 'waiting_on_customer', resumeState: 'claimed' });
    } else {
      t = cloneTicket(tpl, num, (c) => clockDueAt(c, new Date(nowMs + 3_600_000 + Math.floor(r() * 30 * 86_400_000))));
      jobs.push(cloneJob(tpl, t));
    }
    tickets.push(t);
  }
  const ms = (await insertAll(db, 'tickets', tickets)) + (await insertAll(db, 'agendaJobs', jobs));
  return { due, ms };
}

/** Puts the due tickets back as they were (unfired), and removes what their last sweep wrote. */
export async function resetDue(side: SweepSide): Promise<number> {
  await side.db.collection('tickets').bulkWrite(side.due.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d } })));
  await side.db.collection('notifications').deleteMany({ ticketId: { $in: side.dueIds } });
  // The jobs their sweep scheduled (the breach), found through the nextRunAt index rather than a scan for data.ticketId.
  const { deletedCount } = await side.db.collection('agendaJobs').deleteMany({ name: JOB_NAMES.clockMilestone, nextRunAt: { $in: side.breachAt }, 'data.ticketId': { $in: side.dueIds } });
  return deletedCount;
}

/** Timed sweeps on both sides in alternating order after one warm-up round; every run starts from the same reset state. */
async function timeSweeps(bot: BotProcess, sides: SweepSide[], rounds: number, dueCount: number) {
  type SweepReply = { ms: number; fired: number; fireMs: number; beforeFirstFireMs: number; queriesMs: Record<string, number> };
  const runs: [SweepReply[], SweepReply[]] = [[], []];
  const wrong = [0, 0];
  for (let round = -1; round < rounds; round++) {
    if (round === 0) await bot.call('resetStats'); // after the warm-up round
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const removed = await resetDue(sides[k]);
      const sw = await bot.call<SweepReply>('sweep', { app: sides[k].app });
      if (round < 0) continue; // warm-up
      runs[k].push(sw);
      if (sw.fired !== dueCount || removed !== dueCount) wrong[k]++;
    }
  }
  const stats = [await bot.call<BotStats>('stats', { app: 0 }), await bot.call<BotStats>('stats', { app: 1 })];
  const p50 = (k: number, f: (r: SweepReply) => number) => r1(s(runs[k].map(f)).p50);
  const split = (k: number) => ({
    sweep: p50(k, (r) => r.ms),
    queries: Object.fromEntries(Object.keys(runs[k][0]?.queriesMs ?? {}).map((q) => [q, p50(k, (r) => r.queriesMs[q])])),
    fireCalls: p50(k, (r) => r.fireMs),
    fireStepsP50: Object.fromEntries(Object.entries(stats[k].fireSteps).map(([step, xs]) => [step, r1(s(xs).p50)])),
  });
  return { sweep: [s(runs[0].map((r) => r.ms)), s(runs[1].map((r) => r.ms))], all: runs.map((rs) => rs.map((r) => r1(r.ms))), split: [split(0), split(1)], wrong, errors: stats[0].errors.length + stats[1].errors.length };
}

export async function sweepCost(ctx: SuiteContext, server: ServerProcess, client: MongoClient, tpl: Template, sizes: [number, number], rounds: number, out: Metric[]): Promise<void> {
  const dueCount = 20;
  const names = sizes.map((n) => `sla_sweep_${n}`);
  for (const name of names) await client.db(name).dropDatabase();
  const bot = await startBot();
  try {
    // One bot process, one real app per database (each with its own connection, Agenda and ClockService).
    await bot.call('start', { uris: names.map((n) => withDbName(server.uri, n)) });
    const sides: SweepSide[] = [];
    for (let k = 0; k < 2; k++) {
      const db = client.db(names[k]);
      const { due, ms } = await loadSweepDb(db, tpl, sizes[k], dueCount, 11 + k);
      ctx.log(`sweep: loaded ${sizes[k].toLocaleString('en-US')} tickets (+ their pending jobs) in ${r1(ms / 1000)} s`);
      // Keep the app's own every-minute sweep job out of the timed runs.
      await db.collection('agendaJobs').updateOne({ name: JOB_NAMES.clockSweep }, { $set: { nextRunAt: new Date(Date.now() + 3_600_000) } });
      const breachAt = due.map((d) => {
        const c = (d.clocks as Document[]).find((x) => x.name === CLOCK)!;
        return new Date((c.startedAt as Date).getTime() + (c.targetMs as number));
      });
      sides.push({ name: `${sizes[k] / 1000}k`, db, app: k, due, dueIds: due.map((d) => String(d._id)), breachAt });
    }
    const [ls, lb] = sides.map((x) => x.name);
    const main = await timeSweeps(bot, sides, rounds, dueCount);
    // What-if (diagnostic), only when the app has no index on the key JobRunner.schedule() looks its job up by: the same sweeps with one.
    const keyIndexed = (await sides[1].db.collection('agendaJobs').indexes()).some((ix) => Object.keys(ix.key).includes('data.key'));
    let withKey: Awaited<ReturnType<typeof timeSweeps>> | undefined;
    if (!keyIndexed) {
      for (const side of sides) await side.db.collection('agendaJobs').createIndex({ name: 1, 'data.key': 1 }, { name: 'bench_job_key' });
      withKey = await timeSweeps(bot, sides, rounds, dueCount);
    }
    const [a, b] = main.sweep;
    const [sa, sb] = main.split;
    const q = (x: typeof sa, name: string) => x.queries[name] ?? NaN;
    const detail = {
      runsEach: a.n,
      dueEach: dueCount,
      sweep_ms: { [ls]: main.all[0], [lb]: main.all[1] },
      splitP50_ms: { [ls]: sa, [lb]: sb },
      appIndexesJobKey: keyIndexed,
      whatIfJobKeyIndex: withKey ? { sweep_ms: { [ls]: withKey.all[0], [lb]: withKey.all[1] }, splitP50_ms: { [ls]: withKey.split[0], [lb]: withKey.split[1] } } : null,
      runsWithWrongCount: { main: main.wrong, whatIf: withKey?.wrong ?? null },
      botErrors: main.errors + (withKey?.errors ?? 0),
    };
    out.push(metric(SUITE, `sweep() p50 @${ls} open tickets (${dueCount} due)`, r1(a.p50), 'ms', undefined, detail));
    out.push(metric(SUITE, `sweep() p50 @${lb} open tickets (${dueCount} due)`, r1(b.p50), 'ms', undefined, detail));
    out.push(metric(SUITE, `sweep() p50 ratio ${lb}/${ls}`, round(b.p50 / a.p50, 2), '×', { op: '<=', limit: 1.5 }, detail));
    // ms10k / ms100k name the full run's sizes; `sizes` says what was measured (the quick run uses 2k / 20k).
    ctx.report?.('sweep', { ms10k: r1(a.p50), ms100k: r1(b.p50), ratio: round(b.p50 / a.p50, 2), sizes, dueEach: dueCount });
    out.push(metric(SUITE, `  dueClocks() in the sweep p50 @${ls} / @${lb} (diagnostic)`, q(sa, 'dueClocks'), `/ ${q(sb, 'dueClocks')} ms`, undefined, detail));
    if (!Number.isNaN(q(sa, 'withPendingNotices'))) {
      out.push(metric(SUITE, `  withPendingNotices() in the sweep p50 @${ls} / @${lb} (diagnostic)`, q(sa, 'withPendingNotices'), `/ ${q(sb, 'withPendingNotices')} ms`, undefined, detail));
    }
    out.push(metric(SUITE, `  schedule() per fired milestone p50 @${ls} / @${lb} (diagnostic)`, sa.fireStepsP50.scheduleNext ?? NaN, `/ ${sb.fireStepsP50.scheduleNext ?? NaN} ms`, undefined, detail));
    if (withKey) {
      const [ka, kb] = withKey.sweep;
      out.push(metric(SUITE, `  what-if job-key index: sweep() p50 @${ls} / @${lb}`, r1(ka.p50), `/ ${r1(kb.p50)} ms`, undefined, detail));
      out.push(metric(SUITE, `  what-if job-key index: sweep() p50 ratio ${lb}/${ls}`, round(kb.p50 / ka.p50, 2), '×', undefined, detail));
    }
    ctx.log(`sweep: p50 ${r1(a.p50)} ms @${ls} vs ${r1(b.p50)} ms @${lb} (×${round(b.p50 / a.p50, 2)}); runs ${main.all[0].join('/')} vs ${main.all[1].join('/')}`);
    ctx.log(`  split @${ls}: ${JSON.stringify(sa)}`);
    ctx.log(`  split @${lb}: ${JSON.stringify(sb)}`);
    if (withKey) {
      const [ka, kb] = withKey.sweep;
      ctx.log(`sweep what-if {name, data.key} index on agendaJobs: p50 ${r1(ka.p50)} ms @${ls} vs ${r1(kb.p50)} ms @${lb} (×${round(kb.p50 / ka.p50, 2)})`);
      ctx.log(`  split @${ls}: ${JSON.stringify(withKey.split[0])}`);
      ctx.log(`  split @${lb}: ${JSON.stringify(withKey.split[1])}`);
    } else ctx.log('sweep: the app indexes the job key (data.key) itself, so no what-if run');
    if (main.wrong.some(Boolean) || withKey?.wrong.some(Boolean)) ctx.log(`WARNING: some sweeps did not start from / fire exactly ${dueCount} milestones (${JSON.stringify(detail.runsWithWrongCount)})`);
    await bot.stop();
    for (const name of names) await client.db(name).dropDatabase();
  } finally {
    await bot.kill();
  }
}

/**
 * Extra precision runs at the dense rate for diagnosis, from BENCH_SLA_VARIANTS (comma-separated; `+` combines):
 * `poll=250` (jobPollMs), `keyindex` (index on the job key), `lockLimit=N`, `concurrency=N` (the milestone job's Agenda limits),
 * `n=1000` (clocks in the window instead of the dense count).
 */
function parseVariants(spec: string | undefined): Array<{ label: string; n?: number; jobPollMs?: number; jobKeyIndex?: boolean; milestoneJob?: { lockLimit?: number; concurrency?: number } }> {
  if (!spec) return [];
  return spec.split(',').map((v) => v.trim()).filter(Boolean).map((v) => {
    const out: ReturnType<typeof parseVariants>[number] = { label: v };
    for (const part of v.split('+')) {
      const [key, value] = part.split('=');
      const n = Number(value);
      if (key === 'poll' && n > 0) out.jobPollMs = n;
      else if (key === 'n' && n > 0) out.n = Math.round(n);
      else if (key === 'keyindex') out.jobKeyIndex = true;
      else if (key === 'lockLimit' && n >= 0) out.milestoneJob = { ...out.milestoneJob, lockLimit: n };
      else if (key === 'concurrency' && n > 0) out.milestoneJob = { ...out.milestoneJob, concurrency: n };
      else throw new Error(`BENCH_SLA_VARIANTS: cannot read '${part}' (use poll=MS, keyindex, lockLimit=N, concurrency=N, n=CLOCKS, joined by +)`);
    }
    return out;
  });
}

export const slaClocks: Suite = {
  name: SUITE,
  async run(ctx: SuiteContext): Promise<Metric[]> {
    const q = ctx.quick;
    const out: Metric[] = [];
    const variants = parseVariants(process.env.BENCH_SLA_VARIANTS);
    const server = await startServer({ profileDir: ctx.profileDir, label: SUITE });
    const client = await MongoClient.connect(server.uri, { maxPoolSize: 10 });
    const profileDir = ctx.profileDir && path.join(ctx.profileDir, SUITE);
    try {
      // 1. Milestone precision with the production settings (jobPollMs unset → Agenda scans every 1 s): 10k/min, then 1k/min.
      const windowMs = q ? 10_000 : 60_000;
      const dense = q ? 1_667 : 10_000; // quick: 10k/min's rate for 10 s
      const sparse = q ? 167 : 1_000; // quick: 1k/min's rate for 10 s
      const common = { windowMs, graceMs: q ? 3_000 : 5_000, warmMs: q ? WARM.quick : WARM.full, gapMs: q ? GAP.quick : GAP.full, profileDir };
      const perMin = (n: number) => `${Math.round((n * 60_000) / windowMs / 1000)}k/min`;
      const runs = [
        { n: dense, label: 'dense' },
        { n: sparse, label: 'sparse' },
        ...variants.map((v) => ({ ...v, n: v.n ?? dense, label: `variant_${v.label.replace(/[^a-zA-Z0-9]+/g, '_')}`, variant: v.label })),
      ];
      let template: Template | undefined;
      for (const run of runs) {
        const res = await precisionRun(ctx, server, client, { ...common, ...run });
        template ??= res.template;
        const variant = 'variant' in run ? `, what-if ${run.variant}` : '';
        const name = `${run.n.toLocaleString('en-US')} clocks / ${windowMs / 1000} s (${perMin(run.n)})${variant}`;
        const target = run.label === 'dense' ? { op: '<=' as const, limit: TARGET_P99_MS } : undefined;
        const d = res.detail;
        const lat = d.lateness_ms as Record<string, { p99: number }>;
        out.push(metric(SUITE, `milestone lateness p50, ${name}`, r1(res.notice.p50), 'ms', undefined, d));
        out.push(metric(SUITE, `milestone lateness p99, ${name}`, r1(res.notice.p99), 'ms', target, d));
        out.push(metric(SUITE, `milestone lateness max, ${name}`, r1(res.notice.max), 'ms', undefined, d));
        if (run.label === 'dense') {
          ctx.report?.('clocks', { count: run.n, windowMs, latenessP50Ms: r1(res.notice.p50), latenessP99Ms: r1(res.notice.p99), latenessMaxMs: r1(res.notice.max), fired: res.fired });
        }
        out.push(metric(SUITE, `milestones fired (within window + ${common.graceMs / 1000} s), ${perMin(run.n)}${variant}`, res.fired, `/ ${run.n.toLocaleString('en-US')}`, undefined, d));
        out.push(metric(SUITE, `  Agenda lock call p50 (diagnostic), ${perMin(run.n)}${variant}`, (d.lockCalls as { hit: { p50: number } }).hit.p50, 'ms', undefined, d));
        out.push(metric(SUITE, `  locked − due p99 (diagnostic), ${perMin(run.n)}${variant}`, lat.lockedAt_minus_due.p99, 'ms', undefined, d));
        const scans = d.agendaScans as { started: number; maxAtOnce: number; count: number; duration_ms: { p99: number }; milestonesDueDuringAScan: number };
        const scanNote = `ms (${scans.started} started, ${scans.count} ended, ≤ ${scans.maxAtOnce} at once)`;
        out.push(metric(SUITE, `  Agenda scan duration p99 (diagnostic), ${perMin(run.n)}${variant}`, scans.duration_ms.p99, scanNote, undefined, d));
        out.push(metric(SUITE, `  milestones due while a scan ran (diagnostic), ${perMin(run.n)}${variant}`, scans.milestonesDueDuringAScan, `/ ${res.fired.toLocaleString('en-US')} fired`, undefined, d));
        out.push(metric(SUITE, `  fire() duration p99 (diagnostic), ${perMin(run.n)}${variant}`, (d.fireDuration_ms as { p99: number }).p99, 'ms', undefined, d));
        out.push(metric(SUITE, `  CPU server / bot / other processes (diagnostic), ${perMin(run.n)}${variant}`, d.serverCpuPct as number, `/ ${d.botCpuPct} / ${d.otherProcessesCpuPct} %`, undefined, d));
      }

      // 2. Sweep cost at 10k vs 100k open tickets (cloned from the template the first run made through the app).
      await sweepCost(ctx, server, client, template!, q ? [2_000, 20_000] : [10_000, 100_000], q ? 3 : 4, out);
    } finally {
      await client.close().catch(() => undefined);
      await server.stop();
    }
    return out;
  },
};
