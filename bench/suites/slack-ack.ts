// Suite `slack-ack`: Duban against a bare Bolt app, side by side, on signed
// Slack slash commands (`/ticket open …`).
//
// Processes: this one (the load generator), the embedded database server
// (bench/lib/server.ts), a fake Slack Web API (bench/lib/fake-slack.ts), Duban
// itself (compiled, `node dist/src/main.js` as the container runs it — see
// bench/lib/build.ts; MONGODB_URI → that server, SLACK_API_URL → the fake,
// ORG_FILE with Slack ids), and the baseline (bench/lib/bare-bolt.ts, compiled
// the same way: same Bolt, same signing secret, /ticket only acks).
//
//   start  `npm start` (tsx, the newcomer's command) and the compiled app
//          until /readyz answers 200
//   P1     ack latency, open loop at 100/s and 1,000/s, blocks alternating
//          baseline / Duban; p50, p99, max and the Duban/baseline ratios
//   P2     sustained commands/s at 50 in flight, blocks alternating
//   P5     RSS after 100k commands (50 in flight) and its growth over the
//          second half, Duban vs baseline under the same load
// (P3 clock precision and P4 sweep scaling are the `sla-clocks` suite's.)
import { rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT, freePort, startServer, type ServerProcess } from '../lib/server.js';
import { withDbName } from '../lib/bot.js';
import { dubanAccepts, writeBenchOrg } from '../lib/bench-org.js';
import { machineBusyMs, processCpuMs } from '../lib/cpu.js';
import { SLACK_DEADLINE_MS, closedLoop, openLoop, slashCommands, type CommandSource, type Result, type Target } from '../lib/load.js';
import { metric, percentile, round, type Metric, type Suite, type SuiteContext } from '../lib/measure.js';
import { httpStatus, rssMb, startChild, type Child } from '../lib/proc.js';
import { BARE_BOLT, DUBAN_MAIN, buildForBench } from '../lib/build.js';

const SUITE = 'slack-ack';
const SECRET = 'bench-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-bench-token';
/** The bench org (bench/lib/bench-org.ts): 4,000 senders offer up to 2,000 commands/s within the per-person limit. */
const DEPARTMENTS = 40;
const PER_DEPARTMENT = 100;
const CHANNELS = 10;
const CONCURRENCY = 50;
const TARGETS = { p99At100: 20, p99At1000: 50, throughputRatio: 0.15, rssRatio: 1.5 };


interface Side {
  target: Target;
  proc: Child;
  /** Commands sent to it so far (each gets a fresh index so bodies and trigger ids never repeat). */
  sent: number;
}

interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

const r2 = (x: number) => round(x, 2);
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: r2(percentile(s, 50)), p99: r2(percentile(s, 99)), max: r2(s[s.length - 1] ?? NaN) };
}

function merge(rs: Result[]): Result {
  const out: Result = { sent: 0, ok: 0, bad: 0, failed: 0, censored: 0, latencies: [], fromWrite: [], maxSendLagMs: 0, elapsedMs: 0 };
  for (const r of rs) {
    out.sent += r.sent;
    out.ok += r.ok;
    out.bad += r.bad;
    out.failed += r.failed;
    out.censored += r.censored;
    out.latencies.push(...r.latencies);
    out.fromWrite.push(...r.fromWrite);
    out.maxSendLagMs = Math.max(out.maxSendLagMs, r.maxSendLagMs);
    out.elapsedMs += r.elapsedMs;
    out.firstBad ??= r.firstBad;
  }
  return out;
}

/** CPU (% of one core) of each process, and of the rest of the machine, over one block. */
async function cpuWindow<T>(pids: Record<string, number>, fn: () => Promise<T>): Promise<{ value: T; cpuPct: Record<string, number> }> {
  const before = Object.fromEntries(await Promise.all(Object.entries(pids).map(async ([k, pid]) => [k, await processCpuMs(pid)] as const)));
  const machine0 = await machineBusyMs();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = performance.now() - t0;
  const self = process.cpuUsage(self0);
  const cpuPct: Record<string, number> = { generator: Math.round(((self.user + self.system) / 1000 / wall) * 100) };
  let ours = (self.user + self.system) / 1000;
  for (const [k, pid] of Object.entries(pids)) {
    const used = (await processCpuMs(pid)) - before[k];
    ours += used;
    cpuPct[k] = Math.round((used / wall) * 100);
  }
  cpuPct.otherProcesses = Math.round((((await machineBusyMs()) - machine0 - ours) / wall) * 100);
  return { value, cpuPct };
}

/** Waits (at most `maxMs`) until a process uses less than `pct` % of a core over one second: a backlog left by one block must not land on the next. */
async function settle(pid: number, pct = 15, maxMs = 120_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const c0 = await processCpuMs(pid);
    await sleep(1_000);
    const used = (await processCpuMs(pid)) - c0;
    if (!(used / 10 >= pct) || performance.now() - t0 > maxMs) return Math.round(performance.now() - t0);
  }
}

async function startDuban(ctx: SuiteContext, server: ServerProcess, slackUrl: string, orgFile: string, dbName: string, o: { npm?: boolean; profileDir?: string } = {}): Promise<Child & { port: number }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    MONGODB_URI: withDbName(server.uri, dbName),
    ORG_FILE: orgFile,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_API_URL: slackUrl,
    LOG_LEVEL: 'warn',
  };
  const nodeArgs: string[] = [];
  if (o.profileDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', o.profileDir);
  const child = await startChild(
    o.npm
      ? { command: 'npm', args: ['start', '--silent'], env, cwd: REPO_ROOT, readyUrl: `http://127.0.0.1:${port}/readyz`, pollMs: 5, group: true }
      : { command: process.execPath, args: [...nodeArgs, DUBAN_MAIN], env, cwd: REPO_ROOT, readyUrl: `http://127.0.0.1:${port}/readyz`, pollMs: 5 },
  );
  ctx.log(`Duban${o.npm ? ' (npm start)' : ''} ready on :${port} in ${Math.round(child.readyMs)} ms (pid ${child.pid})`);
  return Object.assign(child, { port });
}

async function startBaseline(ctx: SuiteContext, slackUrl: string): Promise<Child & { port: number }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(port), SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: slackUrl };
  const child = await startChild({ command: process.execPath, args: [BARE_BOLT], env, cwd: REPO_ROOT, readyLine: /listening on/ });
  ctx.log(`baseline (bare Bolt) ready on :${port} in ${Math.round(child.readyMs)} ms (pid ${child.pid})`);
  return Object.assign(child, { port });
}

async function fakeSlackCalls(url: string): Promise<Record<string, number>> {
  try {
    const res = await fetch(`${url}/__stats`);
    return (await res.json()) as Record<string, number>;
  } catch {
    return {};
  }
}

/** Sends `count` commands to `side` at 50 in flight, sampling its RSS; RSS at the end, and its growth over the second half. */
async function memoryRun(ctx: SuiteContext, side: Side, source: CommandSource, wanted: number, maxMs: number): Promise<{ result: Result; count: number; rssEnd: number; rssMid: number; growth: number; rssMax: number; samples: Array<[number, number]> }> {
  const count = wanted;
  const samples: Array<[number, number]> = [];
  let done = 0;
  let stop = false;
  const sampler = (async () => {
    while (!stop) {
      samples.push([done, r2(await rssMb(side.proc.pid))]);
      await sleep(250);
    }
  })();
  let lastLog = 0;
  const result = await closedLoop(side.target, source, CONCURRENCY, {
    count,
    durationMs: maxMs,
    offset: side.sent,
    onProgress: (d) => {
      done = d;
      if (d - lastLog >= count / 4) {
        lastLog = d;
        ctx.log(`  ${side.target.name}: ${d.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} commands`);
      }
    },
  });
  side.sent += result.sent;
  stop = true;
  await sampler;
  samples.push([done, r2(await rssMb(side.proc.pid))]);
  // Medians over a stretch, so one GC sawtooth does not decide the figure: around half-way, and the last tenth.
  const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  // A run stopped by the time cap is judged on what it did send.
  const n = result.sent;
  const mid = samples.filter(([d]) => d >= n * 0.45 && d <= n * 0.55).map(([, m]) => m);
  const end = samples.filter(([d]) => d >= n * 0.9).map(([, m]) => m);
  const rssMid = med(mid.length ? mid : [samples[Math.floor(samples.length / 2)][1]]);
  const rssEnd = med(end);
  return { result, count: n, rssEnd: r2(rssEnd), rssMid: r2(rssMid), growth: r2(rssEnd - rssMid), rssMax: Math.max(...samples.map(([, m]) => m)), samples };
}

function checkErrors(ctx: SuiteContext, what: string, r: Result): void {
  if (r.bad || r.failed || r.censored) ctx.log(`WARNING ${what}: ${r.bad} unexpected answers, ${r.failed} failed/timed out${r.censored ? ` (${r.censored} censored at the deadline)` : ''} of ${r.sent} (first: ${r.firstBad ?? '—'})`);
}

export const slackAck: Suite = {
  name: SUITE,
  async run(ctx: SuiteContext): Promise<Metric[]> {
    const q = ctx.quick;
    const out: Metric[] = [];
    const m = (name: string, value: number, unit: string, target?: { op: '<=' | '>='; limit: number }, detail?: Record<string, unknown>) => out.push(metric(SUITE, name, value, unit, target, detail));
    let server = await startServer({ label: SUITE });
    const slackPort = await freePort();
    const children: Child[] = [];
    const cleanup: Array<() => void> = [];
    try {
      const fake = await startChild({ command: process.execPath, args: ['--import', 'tsx', 'bench/lib/fake-slack.ts', '--port', String(slackPort)], env: process.env, cwd: REPO_ROOT, readyLine: /listening on (\S+)/ });
      children.push(fake);
      const slackUrl = `http://127.0.0.1:${slackPort}`;
      const org = writeBenchOrg({ departments: DEPARTMENTS, perDepartment: PER_DEPARTMENT, homes: true, name: SUITE });
      cleanup.push(() => rmSync(org.file, { force: true }));
      const source = slashCommands(org.slackIds, CHANNELS, slackUrl);

      const buildMs = await buildForBench();
      ctx.log(`compiled Duban and the baseline in ${buildMs} ms`);
      // Start-up on a fresh database until /readyz says 200, then stopped: `npm start` (npm → tsx → node, the
      // newcomer's command) and the compiled app (what the container starts, and what every phase below runs).
      const starts: number[] = [];
      const compiledStarts: number[] = [];
      for (let k = 0; k < (q ? 1 : 3); k++) {
        const started = await startDuban(ctx, server, slackUrl, org.file, `bench_ack_start_${k}`, { npm: true });
        starts.push(Math.round(started.readyMs));
        await started.stop();
        const compiled = await startDuban(ctx, server, slackUrl, org.file, `bench_ack_cstart_${k}`);
        compiledStarts.push(Math.round(compiled.readyMs));
        await compiled.stop();
      }
      const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
      const startToReadyMs = median(starts);
      m('npm start → /readyz 200 (median)', startToReadyMs, 'ms', undefined, { runs: starts });
      m('node dist/src/main.js → /readyz 200 (median)', median(compiledStarts), 'ms', undefined, { runs: compiledStarts });
      ctx.report?.('startToReadyMs', startToReadyMs);

      const profileDir = ctx.profileDir && path.join(ctx.profileDir, SUITE);
      // Every phase gets fresh processes — Duban, the baseline and the database server — and Duban a fresh
      // database: a phase Duban could not keep up with leaves commands it received but never answered in time — it
      // still carries them out, and the SLA clocks of every ticket it opened keep firing (a chat ticket's
      // first-response target is 1 min) — which must not land on the next phase. A new server also carries none of
      // the earlier phases' data (its memory, indexes and expiry sweeps) into the next phase.
      let sent = 0;
      const dubanProcs: Child[] = [];
      let pair: { duban: Side; base: Side; pids: Record<string, number>; sides: Side[] } | undefined;
      const freshPair = async (label: string) => {
        if (pair) {
          await pair.duban.proc.stop();
          await pair.base.proc.stop();
        }
        await server.stop();
        // Profiled (when asked) in the first measured phase, like Duban.
        server = await startServer(dubanProcs.length ? { label: SUITE } : { profileDir: ctx.profileDir, label: SUITE });
        const dubanProc = await startDuban(ctx, server, slackUrl, org.file, `bench_ack_${label}`, { profileDir: dubanProcs.length ? undefined : profileDir });
        children.push(dubanProc);
        dubanProcs.push(dubanProc);
        const baseProc = await startBaseline(ctx, slackUrl);
        children.push(baseProc);
        const duban: Side = { target: { name: 'Duban', port: dubanProc.port, secret: SECRET, accept: dubanAccepts }, proc: dubanProc, sent };
        const base: Side = { target: { name: 'baseline', port: baseProc.port, secret: SECRET, accept: (status) => status === 200 }, proc: baseProc, sent };
        // Warm-up (not counted): JIT, connection pools, the first tickets — gently, so it leaves no backlog.
        for (const side of [base, duban]) {
          const w = await closedLoop(side.target, source, 4, { durationMs: q ? 1_000 : 3_000, offset: side.sent });
          side.sent += w.sent;
          checkErrors(ctx, `warm-up ${side.target.name}`, w);
          const o = await openLoop(side.target, source, 20, q ? 1_000 : 2_000, { offset: side.sent });
          side.sent += o.sent;
          sent = Math.max(sent, side.sent);
        }
        await settle(dubanProc.pid);
        pair = { duban, base, pids: { duban: dubanProc.pid, baseline: baseProc.pid, dbServer: server.pid, fakeSlack: fake.pid }, sides: [base, duban] };
        return pair;
      };

      // P1: ack latency at a fixed offered rate, blocks alternating baseline / Duban.
      const ack: Record<string, unknown> = {};
      const blocks = q ? 1 : 2;
      const blockMs = q ? 5_000 : 15_000;
      for (const rate of [100, 1000]) {
        const { pids, sides } = await freshPair(`p1_${rate}`);
        const runs: Record<string, Result[]> = { baseline: [], Duban: [] };
        const cpu: Record<string, Array<Record<string, number>>> = { baseline: [], Duban: [] };
        const settled: Record<string, number[]> = { baseline: [], Duban: [] };
        for (let b = 0; b < blocks; b++) {
          for (const side of sides) {
            const { value, cpuPct } = await cpuWindow(pids, () => openLoop(side.target, source, rate, blockMs, { offset: side.sent }));
            side.sent += value.sent;
            runs[side.target.name].push(value);
            cpu[side.target.name].push(cpuPct);
            settled[side.target.name].push(await settle(side.proc.pid));
          }
        }
        const d = merge(runs.Duban);
        const bl = merge(runs.baseline);
        checkErrors(ctx, `P1 @${rate}/s Duban`, d);
        checkErrors(ctx, `P1 @${rate}/s baseline`, bl);
        const ds = stats(d.latencies);
        const bs = stats(bl.latencies);
        const detail = {
          offeredPerSec: rate,
          secondsEach: (blocks * blockMs) / 1000,
          blocksEach: blocks,
          deadlineMs: SLACK_DEADLINE_MS,
          latencyFrom: 'the due moment of the request (open loop); requests without the expected answer within the deadline count at the deadline (censored)',
          duban: { ...ds, fromWrite: stats(d.fromWrite), sent: d.sent, answeredInTime: d.ok, censored: d.censored, bad: d.bad, failed: d.failed, maxSendLagMs: r2(d.maxSendLagMs), cpuPct: cpu.Duban, settleMs: settled.Duban },
          baseline: { ...bs, fromWrite: stats(bl.fromWrite), sent: bl.sent, answeredInTime: bl.ok, censored: bl.censored, bad: bl.bad, failed: bl.failed, maxSendLagMs: r2(bl.maxSendLagMs), cpuPct: cpu.baseline, settleMs: settled.baseline },
          firstBad: d.firstBad ?? bl.firstBad,
        };
        const target = rate === 100 ? TARGETS.p99At100 : TARGETS.p99At1000;
        m(`ack p50 @${rate}/s: Duban / baseline`, ds.p50, `/ ${bs.p50} ms`, undefined, detail);
        m(`ack p99 @${rate}/s: Duban`, ds.p99, 'ms', { op: '<=', limit: target }, detail);
        m(`ack p99 @${rate}/s: baseline`, bs.p99, 'ms', undefined, detail);
        m(`ack max @${rate}/s: Duban / baseline`, ds.max, `/ ${bs.max} ms`, undefined, detail);
        m(`ack p50 / p99 ratio Duban/baseline @${rate}/s`, r2(ds.p50 / bs.p50), `× / ${r2(ds.p99 / bs.p99)}×`, undefined, detail);
        ack[`rate${rate}`] = {
          p50Ms: ds.p50,
          p99Ms: ds.p99,
          maxMs: ds.max,
          baselineP50Ms: bs.p50,
          baselineP99Ms: bs.p99,
          baselineMaxMs: bs.max,
          p50Ratio: r2(ds.p50 / bs.p50),
          p99Ratio: r2(ds.p99 / bs.p99),
          n: ds.n,
          baselineN: bs.n,
          answeredInTime: d.ok,
          censored: d.censored,
          baselineCensored: bl.censored,
        };
        ctx.log(`P1 @${rate}/s: Duban p50 ${ds.p50} p99 ${ds.p99} max ${ds.max} ms (n ${ds.n}); baseline p50 ${bs.p50} p99 ${bs.p99} max ${bs.max} ms; CPU Duban ${JSON.stringify(cpu.Duban)}`);
      }
      ctx.report?.('ack', ack);

      // P2: sustained throughput at 50 in flight, blocks alternating.
      const { pids, sides } = await freshPair('p2');
      const tput: Record<string, Result[]> = { baseline: [], Duban: [] };
      const tcpu: Record<string, Array<Record<string, number>>> = { baseline: [], Duban: [] };
      const tBlocks = q ? 1 : 2;
      const tMs = q ? 5_000 : 10_000;
      for (let b = 0; b < tBlocks; b++) {
        for (const side of sides) {
          const { value, cpuPct } = await cpuWindow(pids, () => closedLoop(side.target, source, CONCURRENCY, { durationMs: tMs, offset: side.sent }));
          side.sent += value.sent;
          tput[side.target.name].push(value);
          tcpu[side.target.name].push(cpuPct);
          await settle(side.proc.pid);
        }
      }
      const perSec = (rs: Result[]) => r2(rs.reduce((a, r) => a + r.ok, 0) / (rs.reduce((a, r) => a + r.elapsedMs, 0) / 1000));
      const dT = perSec(tput.Duban);
      const bT = perSec(tput.baseline);
      const dTm = merge(tput.Duban);
      const bTm = merge(tput.baseline);
      checkErrors(ctx, 'P2 Duban', dTm);
      checkErrors(ctx, 'P2 baseline', bTm);
      const tDetail = { concurrency: CONCURRENCY, secondsEach: (tBlocks * tMs) / 1000, duban: { perSec: dT, latency: stats(dTm.latencies), bad: dTm.bad, failed: dTm.failed, cpuPct: tcpu.Duban }, baseline: { perSec: bT, latency: stats(bTm.latencies), bad: bTm.bad, failed: bTm.failed, cpuPct: tcpu.baseline } };
      m(`throughput @${CONCURRENCY} in flight: Duban`, Math.round(dT), 'cmd/s', undefined, tDetail);
      m(`throughput @${CONCURRENCY} in flight: baseline`, Math.round(bT), 'cmd/s', undefined, tDetail);
      m(`throughput ratio Duban/baseline`, round(dT / bT, 3), '×', { op: '>=', limit: TARGETS.throughputRatio }, tDetail);
      m(`  latency p50 / p99 @${CONCURRENCY} in flight: Duban (diagnostic)`, stats(dTm.latencies).p50, `/ ${stats(dTm.latencies).p99} ms`, undefined, tDetail);
      m(`  latency p50 / p99 @${CONCURRENCY} in flight: baseline (diagnostic)`, stats(bTm.latencies).p50, `/ ${stats(bTm.latencies).p99} ms`, undefined, tDetail);
      ctx.report?.('throughput', { duban: dT, baseline: bT, ratio: round(dT / bT, 3), concurrency: CONCURRENCY });
      ctx.log(`P2: Duban ${dT}/s, baseline ${bT}/s (×${round(dT / bT, 3)}); CPU Duban ${JSON.stringify(tcpu.Duban)} baseline ${JSON.stringify(tcpu.baseline)}`);

      // P5: memory after N commands at 50 in flight, on fresh processes (and a fresh database), so what P1's overload
      // left behind is not counted. 100k commands (quick: 10k); a side too slow for that within the cap
      // (BENCH_P5_MAX_MIN, default 20 min; quick 3) is judged on what it sent. Duban first; the baseline then gets
      // exactly as many commands (the same load).
      const { duban, base } = await freshPair('p5');
      const count = q ? 10_000 : 100_000;
      const maxMs = Number(process.env.BENCH_P5_MAX_MIN ?? (q ? 3 : 20)) * 60_000;
      const memDuban = await memoryRun(ctx, duban, source, count, maxMs);
      const memBase = await memoryRun(ctx, base, source, memDuban.count, maxMs);
      if (memDuban.count < count) ctx.log(`WARNING P5: Duban got ${memDuban.count.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} commands within ${maxMs / 60_000} min`);
      checkErrors(ctx, 'P5 Duban', memDuban.result);
      checkErrors(ctx, 'P5 baseline', memBase.result);
      const thin = (s: Array<[number, number]>) => s.filter((_, i) => i % Math.max(1, Math.floor(s.length / 40)) === 0);
      const mDetail = {
        commands: { wanted: count, duban: memDuban.count, baseline: memBase.count, capMinutes: maxMs / 60_000 },
        totalCommandsSent: { duban: duban.sent, baseline: base.sent },
        duban: { rssMidMb: memDuban.rssMid, rssEndMb: memDuban.rssEnd, rssMaxMb: memDuban.rssMax, perSec: r2(memDuban.result.ok / (memDuban.result.elapsedMs / 1000)), samples: thin(memDuban.samples) },
        baseline: { rssMidMb: memBase.rssMid, rssEndMb: memBase.rssEnd, rssMaxMb: memBase.rssMax, perSec: r2(memBase.result.ok / (memBase.result.elapsedMs / 1000)), samples: thin(memBase.samples) },
        growthMeasure: 'median RSS over the last tenth of the run minus median RSS between 45 % and 55 % of it',
      };
      const rssRatio = r2(memDuban.rssEnd / memBase.rssEnd);
      const growthPct = r2((memDuban.growth / memDuban.rssMid) * 100);
      const nk = `${Math.round(memDuban.count / 1000)}k`;
      m(`RSS after ${nk} commands: Duban / baseline`, memDuban.rssEnd, `/ ${memBase.rssEnd} MB`, undefined, mDetail);
      m(`RSS ratio Duban/baseline after ${nk} commands`, rssRatio, '×', { op: '<=', limit: TARGETS.rssRatio }, mDetail);
      m(`RSS growth over the second half: Duban (baseline ${memBase.growth} MB)`, memDuban.growth, 'MB', undefined, mDetail);
      m(`RSS growth over the second half, % of mid-run RSS: Duban`, growthPct, '%', { op: '<=', limit: 5 }, mDetail);
      ctx.report?.('rss', { dubanMb: memDuban.rssEnd, baselineMb: memBase.rssEnd, ratio: rssRatio, growthMb: memDuban.growth, baselineGrowthMb: memBase.growth, commands: memDuban.count, baselineCommands: memBase.count });
      ctx.log(`P5: RSS Duban ${memDuban.rssMid} → ${memDuban.rssEnd} MB, baseline ${memBase.rssMid} → ${memBase.rssEnd} MB; Slack API calls ${JSON.stringify(await fakeSlackCalls(slackUrl))}`);
      if ((await httpStatus(`http://127.0.0.1:${duban.target.port}/readyz`)) !== 200) ctx.log(`WARNING: Duban is not ready after the run${duban.proc.exited() ? ' (it exited)' : ''}`);
      const stderr = dubanProcs.map((p) => p.stderrTail()).join('\n').trim();
      if (stderr) ctx.log(`Duban's stderr (tail): ${stderr.slice(-1500)}`);
    } finally {
      for (const child of children.reverse()) await child.stop();
      for (const undo of cleanup) undo();
      await server.stop();
    }
    return out;
  },
};
