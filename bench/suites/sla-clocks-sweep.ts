// Part 2 of the `sla-clocks` suite: what ClockService.sweep() (the catch-up
// for milestones whose jobs were lost) costs as the number of open tickets
// grows (kept apart from the suite entry for its size).
//
// Two databases side by side (10k and 100k open tickets in the full run), most
// with a running clock and its pending job, ~20 due now whose jobs were lost;
// sweep() is timed inside the bot, and the due tickets are reset between runs.
import type { MongoClient, Db, Document } from 'mongodb';
import type { ServerProcess } from '../lib/server.js';
import { startBot, withDbName, type BotProcess } from '../lib/bot.js';
import type { BotStats } from '../lib/sla-bot.js';
import { metric, rng, round, summarize, type Metric, type SuiteContext, type Summary } from '../lib/measure.js';
import { JOB_NAMES } from '../../jobs/job-names.js';
import { CLOCK, FIRST_NUMBER, SUITE, cloneJob, cloneTicket, clockDueAt, insertAll, pausedClock, type Template } from '../lib/sla-data.js';

const s = (xs: number[]): Summary => summarize(xs);
const r1 = (x: number) => round(x, 1);

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

/** Times sweep() at both sizes (plus a what-if with a job-key index when the app has none) and adds the figures to `out`. */
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
