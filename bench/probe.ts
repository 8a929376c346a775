// A quick probe of Duban alone on signed `/ticket open` slash commands, for
// iterating on performance (the `slack-ack` suite is the measurement of
// record). Starts the embedded server, the fake Slack API and Duban exactly as
// that suite does, warms up, then runs an open loop at each rate, a closed loop
// at 50 in flight, and prints latencies, CPU and RSS.
//   npx tsx bench/probe.ts [--rates 100,1000] [--seconds 5] [--closed 5] [--profile dir] [--baseline] [--tsx]
// --profile writes --cpu-prof profiles of Duban and the server into `dir`
// (summarise with bench/profile-summary.ts).
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, freePort, startServer } from './lib/server.js';
import { withDbName } from './lib/bot.js';
import { processCpuMs } from './lib/cpu.js';
import { closedLoop, openLoop, slashCommands, type Result, type Target } from './lib/load.js';
import { percentile, round } from './lib/measure.js';
import { rssMb, startChild, type Child } from './lib/proc.js';
import { writeBenchOrg } from './lib/bench-org.js';
import { MongoClient } from 'mongodb';
import { BARE_BOLT, DUBAN_MAIN, buildForBench } from './lib/build.js';

const SECRET = 'bench-signing-secret-0123456789abcdef';
const arg = (name: string, dflt?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? '') : dflt;
};
const rates = (arg('rates', '100,1000') ?? '').split(',').filter(Boolean).map(Number);
const seconds = Number(arg('seconds', '5'));
const closedSeconds = Number(arg('closed', '5'));
const profile = arg('profile');
const baseline = process.argv.includes('--baseline');
/** Runs the TypeScript sources through tsx instead of the compiled app (dist/, as the container and the benchmark run it). */
const sources = process.argv.includes('--tsx');

const stats = (r: Result) => {
  const s = [...r.latencies].sort((a, b) => a - b);
  const p = (q: number) => round(percentile(s, q), 2);
  return `n ${s.length} p50 ${p(50)} p90 ${p(90)} p99 ${p(99)} max ${round(s.at(-1) ?? NaN, 2)} ms; ok ${r.ok} bad ${r.bad} failed ${r.failed} censored ${r.censored}${r.firstBad ? ` (${r.firstBad.slice(0, 80)})` : ''}`;
};

async function main(): Promise<void> {
  if (profile) mkdirSync(profile, { recursive: true });
  if (!sources) console.log(`compiled in ${await buildForBench()} ms`);
  const server = await startServer({ profileDir: profile, label: 'server' });
  const children: Child[] = [];
  const org = writeBenchOrg({ departments: 40, perDepartment: 100, homes: true, name: 'probe' });
  try {
    const slackPort = await freePort();
    children.push(await startChild({ command: process.execPath, args: ['--import', 'tsx', 'bench/lib/fake-slack.ts', '--port', String(slackPort)], env: process.env, cwd: REPO_ROOT, readyLine: /listening on/ }));
    const slackUrl = `http://127.0.0.1:${slackPort}`;
    const port = await freePort();
    const nodeArgs: string[] = [];
    if (profile) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', path.join(profile, 'duban'));
    const env: NodeJS.ProcessEnv = baseline
      ? { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(port), SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-bench-token', SLACK_API_URL: slackUrl }
      : {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'production',
          PORT: String(port),
          HOST: '127.0.0.1',
          MONGODB_URI: withDbName(server.uri, `probe_${Date.now()}`),
          ORG_FILE: org.file,
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_BOT_TOKEN: 'xoxb-bench-token',
          SLACK_API_URL: slackUrl,
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        };
    const app = await startChild(
      baseline
        ? { command: process.execPath, args: [BARE_BOLT], env, cwd: REPO_ROOT, readyLine: /listening on/ }
        : { command: process.execPath, args: sources ? ['--import', 'tsx', ...nodeArgs, 'src/main.ts'] : [...nodeArgs, DUBAN_MAIN], env, cwd: REPO_ROOT, readyUrl: `http://127.0.0.1:${port}/readyz`, pollMs: 5 },
    );
    children.push(app);
    console.log(`${baseline ? 'baseline' : 'Duban'} ready in ${Math.round(app.readyMs)} ms, RSS ${round(await rssMb(app.pid), 1)} MB`);
    const target: Target = { name: 'Duban', port, secret: SECRET, accept: (status, body) => status === 200 && !/Working on it|went wrong|faster than/.test(body) };
    const source = slashCommands(org.slackIds, 10, slackUrl);
    let offset = 0;
    const cpu = async <T extends Result>(fn: () => Promise<T>) => {
      const [a0, s0] = [await processCpuMs(app.pid), await processCpuMs(server.pid)];
      const t0 = performance.now();
      const value = await fn();
      const wall = performance.now() - t0;
      const [a, d] = [(await processCpuMs(app.pid)) - a0, (await processCpuMs(server.pid)) - s0];
      const n = Math.max(1, (value as Result).sent);
      return { value, text: `CPU app ${Math.round((a / wall) * 100)}% db ${Math.round((d / wall) * 100)}% (${round(a / n, 2)} / ${round(d / n, 2)} ms per command)` };
    };
    const w = await closedLoop(target, source, 4, { durationMs: 2_000, offset });
    offset += w.sent;
    console.log(`warm-up: ${stats(w)}`);
    const client = await MongoClient.connect(server.uri);
    const counts = async () => ((await client.db('admin').command({ serverStatus: 1 })).metrics?.commandsByNamespace ?? {}) as Record<string, number>;
    for (const rate of rates) {
      const before = await counts();
      const { value, text } = await cpu(() => openLoop(target, source, rate, seconds * 1000, { offset }));
      offset += value.sent;
      console.log(`open @${rate}/s: ${stats(value)}; ${text}; RSS ${round(await rssMb(app.pid), 1)} MB`);
      await new Promise((r) => setTimeout(r, 1000));
      const after = await counts();
      const per = Object.entries(after)
        .map(([k, v]) => [k, (v - (before[k] ?? 0)) / value.sent] as const)
        .filter(([, v]) => v > 0.005)
        .sort((a, b) => b[1] - a[1]);
      console.log(`  database commands per /ticket open (incl. 1 s after): ${round(per.reduce((a, [, v]) => a + v, 0), 2)} — ${per.map(([k, v]) => `${k} ${round(v, 2)}`).join(', ')}`);
    }
    await client.close();
    if (closedSeconds > 0) {
      const { value, text } = await cpu(() => closedLoop(target, source, 50, { durationMs: closedSeconds * 1000, offset }));
      offset += value.sent;
      console.log(`closed @50: ${round(value.ok / (value.elapsedMs / 1000), 1)}/s; ${stats(value)}; ${text}; RSS ${round(await rssMb(app.pid), 1)} MB`);
    }
    const calls = (await (await fetch(`${slackUrl}/__stats`)).json()) as Record<string, number>;
    console.log(`Slack Web API calls received (the whole run, ${offset} commands): ${Object.entries(calls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    if (app.stderrTail().trim()) console.log(`stderr: ${app.stderrTail().slice(-1500)}`);
  } finally {
    for (const c of children.reverse()) await c.stop();
    await server.stop();
    rmSync(org.file, { force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
