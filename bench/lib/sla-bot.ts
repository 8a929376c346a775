// The bot process of the `sla-clocks` suite: runs the real app (`startApp`,
// exactly as src/main.ts does, with MONGODB_URI pointing at the bench's
// separate server process) and answers commands from the bench over IPC.
// Started by bench/lib/bot.ts as `node --import tsx bench/lib/sla-bot.ts`.
//
// Nothing in src/ is changed. For measurement only, a few calls of the running
// app are wrapped on their instances (timings recorded, behaviour untouched):
// ClockService.fire / sweep, JobRunner.schedule, Agenda's lock call
// (backend repository getNextJobToRun), and Agenda's start/complete events.
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/core/logger.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { MongoTicketRepository } from '../../src/storage/ticket.repository.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import { JOB_NAMES } from '../../jobs/job-names.js';

export interface FireRecord {
  ticketId: string;
  clock: string;
  seq: number;
  via: 'job' | 'sweep';
  /** Epoch ms when fire() was entered / returned. */
  start: number;
  end: number;
  result: string;
}

export interface JobRecord {
  ticketId: string;
  seq: number;
  /** Epoch ms: when Agenda locked the job (lockedAt), started it (lastRunAt), and when it completed. */
  lockedAt: number;
  startedAt: number;
  completedAt?: number;
}

export interface BotStats {
  fires: FireRecord[];
  jobs: JobRecord[];
  /** Durations (ms) of Agenda lock calls, split by whether they locked a job. */
  lockHit: number[];
  lockMiss: number[];
  /** Durations (ms) of JobRunner.schedule() calls made from fire() (the next milestone's job). */
  scheduleInFire: number[];
  /**
   * Durations (ms) of the steps of fire(), by step: the ClockService dependencies it calls (tickets.get,
   * tickets.replace, tickets.clearPendingNotices, notices.deliver, afterSave, scheduler.schedule), where present.
   */
  fireSteps: Record<string, number[]>;
  /** Agenda's scans (JobProcessor.process(): lock every job due before the next scan, then start/timer them), [start, end] epoch ms. */
  scans: Array<[number, number]>;
  /** Scans started, and the most that were running at once (Agenda starts one per interval whether or not the last has ended). */
  scansStarted: number;
  maxConcurrentScans: number;
  /** Start times (epoch ms) of the scans still running when the stats were taken. */
  openScans: number[];
  /** Event-loop delay of the bot process over the window (ms). */
  loopDelay: { p50: number; p99: number; max: number };
  /** Bot process CPU over the window (ms user+system). */
  cpuMs: number;
  wallMs: number;
  errors: string[];
}

interface Instance {
  app: RunningApp;
  repo: MongoTicketRepository;
  stats: Omit<BotStats, 'loopDelay' | 'cpuMs' | 'wallMs'>;
}

type Request = { id: number; cmd: string; [k: string]: unknown };

const instances: Instance[] = [];
const via = new AsyncLocalStorage<'sweep'>();
const inSchedule = new AsyncLocalStorage<'fire'>();
const loop = monitorEventLoopDelay({ resolution: 5 });
let windowStart = { cpu: process.cpuUsage(), wall: performance.now() };
let profiler: Session | undefined;
/** Durations of the last calls of the ClockService's own queries (dueClocks, withPendingNotices: the sweep's queries). */
const lastQueryMs: Record<string, number> = {};

function emptyStats(): Instance['stats'] {
  return { fires: [], jobs: [], lockHit: [], lockMiss: [], scheduleInFire: [], fireSteps: {}, scans: [], scansStarted: 0, maxConcurrentScans: 0, openScans: [], errors: [] };
}

const runningScans = new Set<number>();

function instrument(app: RunningApp, stats: Instance['stats']): void {
  const clocks = app.clocks;
  const fire = clocks.fire.bind(clocks);
  clocks.fire = async (ticketId, clock, seq) => {
    const start = Date.now();
    const result = await inSchedule.run('fire', () => fire(ticketId, clock, seq));
    stats.fires.push({ ticketId, clock, seq, via: via.getStore() ?? 'job', start, end: Date.now(), result });
    return result;
  };
  const sweep = clocks.sweep.bind(clocks);
  clocks.sweep = (limit?: number) => via.run('sweep', () => sweep(limit));

  // The steps of fire(), reached through ClockService's (TypeScript-private) deps: timed only when called from fire().
  // Wrapped only where present, so the bench follows the app as it changes.
  type Fn = (...args: never[]) => Promise<unknown>;
  const timeInFire = (target: Record<string, unknown>, method: string, step: string) => {
    if (typeof target?.[method] !== 'function') return;
    const orig = (target[method] as Fn).bind(target);
    target[method] = async (...args: never[]) => {
      if (inSchedule.getStore() !== 'fire') return orig(...args);
      const t = performance.now();
      try {
        return await orig(...args);
      } finally {
        (stats.fireSteps[step] ??= []).push(performance.now() - t);
      }
    };
  };
  const deps = (clocks as unknown as { deps: Record<string, unknown> & { tickets: Record<string, unknown>; notices: Record<string, unknown> } }).deps;
  timeInFire(deps.tickets, 'get', 'getTicket');
  timeInFire(deps.tickets, 'replace', 'replaceTicket');
  timeInFire(deps.tickets, 'clearPendingNotices', 'clearOutbox');
  timeInFire(deps.notices, 'deliver', 'deliverNotices');
  timeInFire(deps, 'afterSave', 'afterSave');
  for (const query of ['dueClocks', 'withPendingNotices']) {
    if (typeof deps.tickets[query] !== 'function') continue;
    const orig = (deps.tickets[query] as Fn).bind(deps.tickets);
    deps.tickets[query] = async (...args: never[]) => {
      const t = performance.now();
      try {
        return await orig(...args);
      } finally {
        lastQueryMs[query] = performance.now() - t;
      }
    };
  }

  const jobs = app.jobs;
  const schedule = jobs.schedule.bind(jobs);
  jobs.schedule = async (ticket: Ticket) => {
    const fromFire = inSchedule.getStore() === 'fire';
    const t = performance.now();
    await schedule(ticket);
    if (fromFire) {
      stats.scheduleInFire.push(performance.now() - t);
      (stats.fireSteps.scheduleNext ??= []).push(performance.now() - t);
    }
  };

  const agenda = jobs.agenda;
  // Agenda's interval calls `this.process()`, so an own property on the processor replaces it for every later scan.
  const processor = (agenda as unknown as { jobProcessor?: { process: () => Promise<void> } }).jobProcessor;
  if (processor) {
    const scan = processor.process.bind(processor);
    processor.process = async () => {
      const start = Date.now();
      stats.scansStarted++;
      runningScans.add(start);
      stats.maxConcurrentScans = Math.max(stats.maxConcurrentScans, runningScans.size);
      try {
        await scan();
      } finally {
        runningScans.delete(start);
        stats.scans.push([start, Date.now()]);
      }
    };
  }
  const repo = agenda.db as unknown as { getNextJobToRun: (...args: unknown[]) => Promise<unknown> };
  const lock = repo.getNextJobToRun.bind(repo);
  repo.getNextJobToRun = async (...args: unknown[]) => {
    const t = performance.now();
    const job = await lock(...args);
    (job ? stats.lockHit : stats.lockMiss).push(performance.now() - t);
    return job;
  };

  const byId = new Map<string, JobRecord>();
  type AgendaJob = { attrs: { _id?: unknown; data?: unknown; lockedAt?: Date | null; lastRunAt?: Date } };
  agenda.on(`start:${JOB_NAMES.clockMilestone}`, (job: AgendaJob) => {
    const data = job.attrs.data as { ticketId?: string; seq?: number } | undefined;
    const rec: JobRecord = { ticketId: data?.ticketId ?? '?', seq: data?.seq ?? -1, lockedAt: job.attrs.lockedAt?.getTime() ?? NaN, startedAt: job.attrs.lastRunAt?.getTime() ?? Date.now() };
    byId.set(String(job.attrs._id), rec);
    stats.jobs.push(rec);
  });
  agenda.on(`complete:${JOB_NAMES.clockMilestone}`, (job: AgendaJob) => {
    const rec = byId.get(String(job.attrs._id));
    if (rec) {
      rec.completedAt = Date.now();
      byId.delete(String(job.attrs._id));
    }
  });
  agenda.on('error', (err: Error) => stats.errors.push(`agenda error: ${err?.message ?? String(err)}`));
  agenda.on('fail', (err: Error) => stats.errors.push(`job failed: ${err?.message ?? String(err)}`));
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
};

async function handle(req: Request): Promise<unknown> {
  const inst = () => {
    const i = instances[(req.app as number | undefined) ?? 0];
    if (!i) throw new Error(`no app ${String(req.app)}`);
    return i;
  };
  switch (req.cmd) {
    case 'start': {
      // One app per URI (the sweep measurement runs two databases side by side in this one process).
      const uris = req.uris as string[];
      const out = [];
      for (const uri of uris) {
        const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', MONGODB_URI: uri, LOG_LEVEL: 'warn', CONSOLE_ENABLED: 'true' });
        const logger = createLogger('warn', process.stderr);
        const app = await startApp(env, logger, { jobPollMs: req.jobPollMs as number | undefined });
        // Diagnostic what-ifs only (the suite's figures never set these): the milestone job definition's Agenda limits.
        const whatIf = req.milestoneJob as { lockLimit?: number; concurrency?: number } | undefined;
        const def = app.jobs.agenda.definitions[JOB_NAMES.clockMilestone] as unknown as { lockLimit: number; concurrency: number };
        if (whatIf?.lockLimit !== undefined) def.lockLimit = whatIf.lockLimit;
        if (whatIf?.concurrency !== undefined) def.concurrency = whatIf.concurrency;
        const stats = emptyStats();
        instrument(app, stats);
        instances.push({ app, repo: new MongoTicketRepository(app.database.connection), stats });
        out.push({ port: app.port });
      }
      return out;
    }
    case 'console': {
      // A message typed in the console, as a person (used once to make a template ticket through the real app).
      const res = await fetch(`http://127.0.0.1:${inst().app.port}/console/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: req.user, text: req.text }),
      });
      return { status: res.status, body: await res.json() };
    }
    case 'schedule': {
      // The real JobRunner.schedule(ticket) for each stored ticket, as TicketService/ClockService call it.
      const { repo, app } = inst();
      const ids = req.ids as string[];
      const t = performance.now();
      let missing = 0;
      await pool(ids, (req.concurrency as number | undefined) ?? 8, async (id) => {
        const ticket = await repo.get(id);
        if (!ticket) missing++;
        else await app.jobs.schedule(ticket);
      });
      return { ms: performance.now() - t, missing };
    }
    case 'sweep': {
      const { app, stats } = inst();
      const from = stats.fires.length;
      const start = Date.now();
      for (const k of Object.keys(lastQueryMs)) delete lastQueryMs[k];
      const t = performance.now();
      const fired = await app.clocks.sweep();
      const ms = performance.now() - t;
      // How the sweep's time splits: its own dueClocks() query (until the first fire), and the fire() calls.
      const fires = stats.fires.slice(from).filter((f) => f.via === 'sweep');
      const fireMs = fires.reduce((acc, f) => acc + (f.end - f.start), 0);
      return { ms, fired, fireMs, beforeFirstFireMs: fires.length ? fires[0].start - start : ms, queriesMs: { ...lastQueryMs } };
    }
    case 'dueClocks': {
      const { repo } = inst();
      const t = performance.now();
      const due = await repo.dueClocks(new Date(), 500);
      return { ms: performance.now() - t, count: due.length };
    }
    case 'resetStats': {
      for (const i of instances) i.stats = Object.assign(i.stats, emptyStats());
      loop.reset();
      loop.enable();
      windowStart = { cpu: process.cpuUsage(), wall: performance.now() };
      return {};
    }
    case 'stats': {
      const { stats } = inst();
      const cpu = process.cpuUsage(windowStart.cpu);
      const out: BotStats = {
        ...stats,
        openScans: [...runningScans],
        loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - windowStart.wall,
      };
      return out;
    }
    case 'progress': {
      const { stats } = inst();
      const fired = stats.fires.filter((f) => f.result === 'fired').length;
      return { fired, started: stats.jobs.length, completed: stats.jobs.filter((j) => j.completedAt).length, locks: stats.lockHit.length };
    }
    case 'lockSummary': {
      const { stats } = inst();
      return { hits: stats.lockHit.length, misses: stats.lockMiss.length, hitP50: q(stats.lockHit, 50), hitP99: q(stats.lockHit, 99) };
    }
    case 'profileStart': {
      // CPU profile of this process over a chosen span (the process may be killed afterwards, so not --cpu-prof).
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return {};
    }
    case 'profileStop': {
      if (!profiler) throw new Error('profiler not started');
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(req.file as string, JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
      return { file: req.file };
    }
    case 'stop': {
      for (const i of instances.splice(0)) await i.app.stop();
      return {};
    }
    case 'exit':
      return {};
    default:
      throw new Error(`unknown command ${req.cmd}`);
  }
}

process.on('message', (req: Request) => {
  // `exit` ends the process after answering (a --cpu-prof profile is written on exit).
  const done = () => {
    if (req.cmd === 'exit') process.exit(0);
  };
  handle(req).then(
    (result) => process.send!({ id: req.id, ok: true, result }, done),
    (err: Error) => process.send!({ id: req.id, ok: false, error: err?.stack ?? String(err) }, done),
  );
});
loop.enable();
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
