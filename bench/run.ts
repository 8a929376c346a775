// `npm run bench`: runs every suite (each against its own embedded server
// process), prints one table of figures with PASS/FAIL against their targets,
// and writes bench/results/latest.json. Targets are reported, not asserted:
// the exit code is non-zero only when a suite crashed.
//   BENCH_QUICK=1      shorter smoke run (~30 s)
//   BENCH_SUITES=a,b   run only the named suites
//   BENCH_PROFILE=1    also write server CPU profiles to bench/results/profiles/
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './lib/server.js';
import { QUICK, now, type Metric, type Suite } from './lib/measure.js';
import { embeddedDb } from './suites/embedded-db.js';
import { agendaLock } from './suites/agenda-lock.js';
import { slaClocks } from './suites/sla-clocks.js';
import { slackAck } from './suites/slack-ack.js';
import { scaleOut } from './suites/scale-out.js';

const SUITES: Suite[] = [embeddedDb, agendaLock, slaClocks, slackAck, scaleOut];
const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

function formatValue(m: Metric): string {
  const v = Math.abs(m.value) >= 1000 ? m.value.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(m.value);
  return m.unit === '×' ? `${v}×` : `${v} ${m.unit}`;
}

function formatTarget(m: Metric): string {
  if (!m.target) return '—';
  return `${m.target.op === '<=' ? '≤' : '≥'} ${m.target.limit}${m.unit === '×' ? '×' : ` ${m.unit}`}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  const line = (r: string[]) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const only = process.env.BENCH_SUITES?.split(',').map((s) => s.trim()).filter(Boolean);
  const suites = only ? SUITES.filter((s) => only.includes(s.name)) : SUITES;
  const profileDir = process.env.BENCH_PROFILE === '1' ? path.join(RESULTS_DIR, 'profiles') : undefined;
  console.log(`bench: ${suites.map((s) => s.name).join(', ')}${QUICK ? ' (quick)' : ''} — node ${process.version}, ${os.cpus().length} cpus`);

  const started = new Date();
  const t0 = now();
  const metrics: Metric[] = [];
  const crashes: Array<{ suite: string; error: string }> = [];
  const timings: Record<string, number> = {};
  // Top-level figures of latest.json (ack, throughput, clocks, sweep, rss, startToReadyMs, scaleOut), from the suites that measure them.
  const figures: Record<string, unknown> = { ack: null, throughput: null, clocks: null, sweep: null, rss: null, startToReadyMs: null, scaleOut: null };
  let current = 'bench';
  // A rejection nobody awaited (e.g. a library write after its connection closed) counts as a crash, but the run goes on.
  process.on('unhandledRejection', (err) => {
    const error = (err as Error)?.stack ?? String(err);
    crashes.push({ suite: current, error: `unhandled rejection: ${error}` });
    console.error(`  UNHANDLED REJECTION in ${current}: ${error}`);
  });
  for (const suite of suites) {
    current = suite.name;
    const ts = now();
    console.log(`\n[${suite.name}]`);
    try {
      metrics.push(...(await suite.run({ quick: QUICK, profileDir, log: (msg) => console.log(`  ${msg}`), report: (key, value) => (figures[key] = value) })));
    } catch (err) {
      const error = (err as Error).stack ?? String(err);
      crashes.push({ suite: suite.name, error });
      console.error(`  CRASHED: ${error}`);
    }
    timings[suite.name] = Math.round(now() - ts);
    console.log(`  (${(timings[suite.name] / 1000).toFixed(1)} s)`);
  }

  const rows = [['suite', 'metric', 'value', 'target', 'result']];
  for (const m of metrics) rows.push([m.suite, m.name, formatValue(m), formatTarget(m), m.pass === undefined ? '' : m.pass ? 'PASS' : 'FAIL']);
  for (const c of crashes) rows.push([c.suite, 'suite crashed', '—', '—', 'CRASH']);
  const targeted = metrics.filter((m) => m.pass !== undefined);
  const failed = targeted.filter((m) => !m.pass);
  console.log(`\n${table(rows)}\n`);
  console.log(`${targeted.length - failed.length}/${targeted.length} targets met${crashes.length ? `, ${crashes.length} suite(s) crashed` : ''}; total ${((now() - t0) / 1000).toFixed(1)} s`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'latest.json');
  const report = {
    startedAt: started.toISOString(),
    quick: QUICK,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    suiteMs: timings,
    totalMs: Math.round(now() - t0),
    ...figures,
    summary: { targets: targeted.length, passed: targeted.length - failed.length, failed: failed.map((m) => `${m.suite}: ${m.name}`) },
    metrics,
    crashes,
  };
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
  if (crashes.length) process.exitCode = 1;
}

// Exit explicitly: a running Agenda leaves a lockLifetime/2 (5 min) "is the job still alive" timer per job it ran.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
