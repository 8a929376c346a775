// Suite `sla-clocks`: how precisely the running bot fires SLA milestones, and
// what the catch-up sweep costs as the number of open tickets grows.
//
// Three processes: this one (loads data, reads results), the embedded server
// (bench/lib/server.ts) and the bot — the real app started with startApp()
// against that server (bench/lib/bot.ts → bench/lib/sla-bot.ts).
//
// 1. Milestone precision (sla-clocks-precision.ts): lateness of milestones due
//    evenly over one minute, at 10,000 and at 1,000 clocks.
// 2. Sweep cost (sla-clocks-sweep.ts): ClockService.sweep() with 10k and 100k
//    open tickets, side by side.
// Tickets and jobs are copies of one made through the app (bench/lib/sla-data.ts).
// This file picks the sizes and turns the runs into the suite's figures.
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startServer } from '../lib/server.js';
import { metric, round, type Metric, type Suite, type SuiteContext } from '../lib/measure.js';
import { SUITE, type Template } from '../lib/sla-data.js';
import { precisionRun } from './sla-clocks-precision.js';
import { sweepCost } from './sla-clocks-sweep.js';

const TARGET_P99_MS = 250;
/** Warm-up before the window (full run / quick run): milestones at the window's rate over WARM, ending GAP before the window. */
const WARM = { full: 3_000, quick: 2_000 };
const GAP = { full: 1_500, quick: 1_000 };

const r1 = (x: number) => round(x, 1);

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
