// Timing helpers and the shape of a reported figure.
import { performance } from 'node:perf_hooks';

export const QUICK = process.env.BENCH_QUICK === '1';

export type Comparison = '<=' | '>=';

export interface Metric {
  suite: string;
  name: string;
  value: number;
  unit: string;
  /** Present when the figure has a target; PASS/FAIL is reported, never asserted. */
  target?: { op: Comparison; limit: number };
  pass?: boolean;
  detail?: Record<string, unknown>;
}

export interface SuiteContext {
  quick: boolean;
  /** Directory for server CPU profiles when BENCH_PROFILE=1, else undefined. */
  profileDir?: string;
  log(message: string): void;
  /** Puts a figure at the top level of bench/results/latest.json (`ack`, `throughput`, `clocks`, …). */
  report?(key: string, value: unknown): void;
}

export interface Suite {
  name: string;
  run(ctx: SuiteContext): Promise<Metric[]>;
}

export function metric(suite: string, name: string, value: number, unit: string, target?: { op: Comparison; limit: number }, detail?: Record<string, unknown>): Metric {
  const m: Metric = { suite, name, value, unit };
  if (target) {
    m.target = target;
    m.pass = Number.isFinite(value) && (target.op === '<=' ? value <= target.limit : value >= target.limit);
  }
  if (detail) m.detail = detail;
  return m;
}

export const now = (): number => performance.now();

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, mean, p50: percentile(s, 50), p99: percentile(s, 99), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

/** Runs `op` sequentially (each call awaited) for about `ms` milliseconds; returns ops per second. */
export async function opsPerSecond(op: (i: number) => Promise<unknown>, ms: number, minOps = 20): Promise<{ ops: number; perSec: number; elapsedMs: number }> {
  const start = now();
  let i = 0;
  let elapsed = 0;
  while (elapsed < ms || i < minOps) {
    await op(i++);
    elapsed = now() - start;
  }
  return { ops: i, perSec: (i * 1000) / elapsed, elapsedMs: elapsed };
}

/** Deterministic PRNG (mulberry32) so runs query the same keys. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
