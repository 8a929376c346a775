// Each fault suite records the figures it measured; the summary reporter
// (summary-reporter.js) prints them as one table at the end of the run and
// writes them all to test-output/faults.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILE } from './profile.js';

export const OUTPUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-output/faults');

export interface Figure {
  /** What was measured, in a few words. */
  label: string;
  value: number | string;
  /** What the value must be, as a sentence fragment (`= 0`, `≤ 30 s`), or empty for context figures. */
  target?: string;
  /** Whether the figure met its target (context figures are always true). */
  ok: boolean;
}

export interface SuiteFigures {
  suite: string;
  /** The process that wrote it and its parent: the reporter takes only its own run's files. */
  pid: number;
  ppid: number;
  title: string;
  profile: string;
  seed?: number;
  durationMs: number;
  figures: Figure[];
}

/** Collects a suite's figures while it runs and writes them when it is done. */
export class FigureBook {
  private readonly figures: Figure[] = [];
  private readonly started = Date.now();
  seed?: number;

  constructor(
    readonly suite: string,
    readonly title: string,
  ) {}

  /** A figure with a target: `ok` says whether it was met. */
  check(label: string, value: number | string, target: string, ok: boolean): void {
    this.figures.push({ label, value, target, ok });
  }

  /** A figure given for context (counts, timings). */
  note(label: string, value: number | string): void {
    this.figures.push({ label, value, ok: true });
  }

  async write(): Promise<void> {
    await mkdir(OUTPUT_DIR, { recursive: true });
    const out: SuiteFigures = { suite: this.suite, pid: process.pid, ppid: process.ppid, title: this.title, profile: PROFILE.name, ...(this.seed !== undefined ? { seed: this.seed } : {}), durationMs: Date.now() - this.started, figures: this.figures };
    // One file per writer: several runs on one machine (or checkout) do not overwrite each other.
    await writeFile(path.join(OUTPUT_DIR, `${this.suite}.${process.pid}.json`), JSON.stringify(out, null, 2));
  }
}
