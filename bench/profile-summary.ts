// Summarises a V8 .cpuprofile (e.g. from BENCH_PROFILE=1): top functions by
// self time and by inclusive time, with source file:line.
//   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top=25] [filter]
// Options (anywhere after the file):
//   --skip-ms N      ignore the first N ms of the profile (start-up)
//   --callers NAME   also print who calls functions whose name contains NAME (inclusive ms per calling stack, 6 frames up)
//   --by-package     also print self time per package (node_modules/<name>, node internals, our folders, GC)
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas?: number[];
}

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const [, value] = argv.splice(i, 2);
  return value;
};
const skipMs = Number(option('skip-ms') ?? 0);
const callersOf = option('callers');
const byPackage = argv.includes('--by-package') ? (argv.splice(argv.indexOf('--by-package'), 1), true) : false;
const [file, topArg, filter] = argv;
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [url filter] [--skip-ms N] [--callers NAME]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Samples after the skipped start.
let samples = prof.samples;
if (skipMs > 0 && prof.timeDeltas) {
  let t = 0;
  const kept: number[] = [];
  prof.samples.forEach((s, i) => {
    t += prof.timeDeltas![i] / 1000;
    if (t >= skipMs) kept.push(s);
  });
  samples = kept;
}
const totalSamples = samples.length;
const msPerSample = (prof.endTime - prof.startTime) / 1000 / Math.max(1, prof.samples.length);

const key = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*\/(node_modules|src)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const incl = new Map<string, number>();
const hits = new Map<number, number>();
for (const s of samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const stacks = new Map<string, number>();
for (const [id, count] of hits) {
  const node = byId.get(id)!;
  self.set(key(node), (self.get(key(node)) ?? 0) + count);
  const seen = new Set<string>(); // count a recursive function once per sample
  let caught = false;
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    const k = key(n);
    if (callersOf && !caught && n.callFrame.functionName.includes(callersOf)) {
      caught = true;
      const chain: string[] = [];
      for (let up = parent.get(cur), d = 0; up !== undefined && d < 6; up = parent.get(up), d++) chain.push(key(byId.get(up)!).replace(/\s+/, ' '));
      const stack = `${k}\n      ← ${chain.join('\n      ← ')}`;
      stacks.set(stack, (stacks.get(stack) ?? 0) + count);
    }
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + count);
  }
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log(`${file}: ${totalSamples} samples, ${(totalSamples * msPerSample).toFixed(0)} ms${skipMs ? ` (after the first ${skipMs} ms)` : ''}, busy ${(((totalSamples - idle) / totalSamples) * 100).toFixed(1)}%`);
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (% of busy samples)`);
  const rows = [...m].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)') && (!filter || k.includes(filter))).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, v] of rows) console.log(`${((v / Math.max(1, totalSamples - idle)) * 100).toFixed(1).padStart(6)}%  ${(v * msPerSample).toFixed(0).padStart(6)} ms  ${k}`);
};
show('self time', self);
show('inclusive time', incl);
if (callersOf) {
  console.log(`\ncalling stacks of *${callersOf}* (inclusive)`);
  for (const [k, v] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(v * msPerSample).toFixed(0).padStart(6)} ms  ${k}`);
}
if (byPackage) {
  const groups = new Map<string, number>();
  for (const [k, v] of self) {
    const url = k.split(/\s+/)[1] ?? '';
    const g = k.startsWith('(') ? k.split(/\s+/)[0] : /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(url)?.[1] ?? (url.startsWith('node:') ? 'node:*' : url.startsWith(':') ? '(native)' : (/(?:^|\/)(src\/[^/]+|conversations|adapters\/[^/]+|jobs|bench)\//.exec(url)?.[1] ?? url));
    groups.set(g, (groups.get(g) ?? 0) + v);
  }
  show('self time by package', groups);
}
