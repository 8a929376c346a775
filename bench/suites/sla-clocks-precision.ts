// Part 1 of the `sla-clocks` suite: how precisely the running bot fires SLA
// milestones (kept apart from the suite entry for its size).
//
// N tickets whose resolution clock has its reminder due at a chosen instant,
// the instants spread evenly over one minute; each has the Agenda job
// JobRunner.schedule() saves for it. Lateness of a milestone = (the notice's
// createdAt, stamped by the app when it stores the notice) − (the clock's
// next.at). The suite runs it at 10,000 and at 1,000 clocks.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient, Document } from 'mongodb';
import { REPO_ROOT, type ServerProcess } from '../lib/server.js';
import { startBot, withDbName } from '../lib/bot.js';
import { machineBusyMs, processCpuMs } from '../lib/cpu.js';
import type { BotStats } from '../lib/sla-bot.js';
import { rng, round, summarize, type SuiteContext, type Summary } from '../lib/measure.js';
import { JOB_NAMES } from '../../jobs/job-names.js';
import { CLOCK, FIRST_NUMBER, SUITE, checkCloneAgainstEngine, cloneJob, cloneTicket, clockDueAt, insertAll, makeTemplate, shuffle, type Template } from '../lib/sla-data.js';

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
