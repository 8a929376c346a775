// A Jest reporter that prints the fault suites' figures as one table at the
// end of the run and writes them all to test-output/faults.json. It reads the
// files the suites of this run wrote (test-output/faults/<suite>.<pid>.json,
// written by this process or its workers), so a run that included no fault
// suite prints nothing, and other runs on the same machine do not mix in.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = path.join(ROOT, 'test-output/faults');
const OUT = path.join(ROOT, 'test-output/faults.json');

export default class FaultsSummaryReporter {
  async onRunComplete() {
    const suites = await this.collect();
    if (!suites.length) return;
    await mkdir(path.dirname(OUT), { recursive: true });
    const allOk = suites.every((s) => s.figures.every((f) => f.ok));
    await writeFile(OUT, JSON.stringify({ at: new Date().toISOString(), profile: suites[0].profile, ok: allOk, suites }, null, 2));
    process.stdout.write(`\n${render(suites, allOk)}\n`);
  }

  async collect() {
    let names = [];
    try {
      names = (await readdir(DIR)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const suites = [];
    for (const name of names.sort()) {
      const file = path.join(DIR, name);
      let figures;
      try {
        figures = JSON.parse(await readFile(file, 'utf8'));
      } catch {
        continue;
      }
      if (figures.pid !== process.pid && figures.ppid !== process.pid) continue;
      suites.push(figures);
      await rm(file, { force: true });
    }
    return suites;
  }
}

function render(suites, allOk) {
  const width = { label: 58, value: 16 };
  const lines = [`Duban fault suites — profile ${suites[0].profile} — ${allOk ? 'all targets met' : 'TARGETS MISSED'} (test-output/faults.json)`];
  for (const s of suites) {
    lines.push(`${s.suite} ${s.title} (${Math.round(s.durationMs / 1000)} s${s.seed !== undefined ? `, seed ${s.seed}` : ''})`);
    for (const f of s.figures) {
      const mark = f.target ? (f.ok ? '✓' : '✗') : ' ';
      const target = f.target ? ` target ${f.target}` : '';
      lines.push(`  ${mark} ${String(f.label).slice(0, width.label).padEnd(width.label)} ${String(f.value).padStart(width.value)}${target}`);
    }
  }
  return lines.join('\n');
}
