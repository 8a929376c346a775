// Summarises a V8 .cpuprofile (e.g. from BENCH_PROFILE=1): top functions by
// self time and by inclusive time, with source file:line.
//   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top=25] [filter]
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
}

const [file, topArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [url filter]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const totalSamples = prof.samples.length;
const msPerSample = (prof.endTime - prof.startTime) / 1000 / Math.max(1, totalSamples);

const key = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*\/(node_modules|src)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const incl = new Map<string, number>();
const hits = new Map<number, number>();
for (const s of prof.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
for (const [id, count] of hits) {
  const node = byId.get(id)!;
  self.set(key(node), (self.get(key(node)) ?? 0) + count);
  const seen = new Set<string>(); // count a recursive function once per sample
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + count);
  }
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log(`${file}: ${totalSamples} samples, ${(totalSamples * msPerSample).toFixed(0)} ms, busy ${(((totalSamples - idle) / totalSamples) * 100).toFixed(1)}%`);
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (% of busy samples)`);
  const rows = [...m].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)') && (!filter || k.includes(filter))).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, v] of rows) console.log(`${((v / Math.max(1, totalSamples - idle)) * 100).toFixed(1).padStart(6)}%  ${(v * msPerSample).toFixed(0).padStart(6)} ms  ${k}`);
};
show('self time', self);
show('inclusive time', incl);
