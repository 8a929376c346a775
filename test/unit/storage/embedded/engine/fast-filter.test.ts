import { describe, it, expect } from '@jest/globals';
import { ObjectId, Long } from 'bson';
import { compileFilter, MATCH_OPTIONS, Query } from '../../../../../src/storage/embedded/engine/matcher.js';
import { fastFilter } from '../../../../../src/storage/embedded/engine/fast-filter.js';

type Doc = Record<string, unknown>;

// A small deterministic generator, so a failure is reproducible.
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const ids = [new ObjectId('65a000000000000000000001'), new ObjectId('65a000000000000000000002'), new ObjectId('65b000000000000000000000')];
const dates = [new Date('2026-01-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')];
const scalars: unknown[] = [null, 0, 1, 2.5, -3, 'a', 'b', 'pending', '', true, false, ...ids, ...dates, Long.fromNumber(2)];

describe('fast filter path', () => {
  it('agrees with mingo on documents with and without arrays, for every operator it handles', () => {
    const next = rng(42);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
    const value = (depth = 0): unknown => {
      const r = next();
      if (r < 0.15) return undefined;
      if (r < 0.75 || depth > 1) return pick(scalars);
      if (r < 0.88) return [pick(scalars), pick(scalars)];
      if (r < 0.95) return { b: value(depth + 1), c: value(depth + 1) };
      return [{ b: value(depth + 1) }, { c: value(depth + 1) }];
    };
    const doc = (): Doc => {
      const d: Doc = { _id: pick(ids) };
      for (const f of ['a', 'x', 'y']) {
        const v = value();
        if (v !== undefined) d[f] = v;
      }
      return d;
    };
    const operand = (op: string): unknown => {
      if (op === '$in' || op === '$nin') return [pick(scalars), pick(scalars)];
      if (op === '$exists') return next() < 0.5;
      return pick(scalars.filter((s) => op === '$eq' || op === '$ne' || (s !== null && typeof s !== 'boolean' && !(s instanceof Long))));
    };
    const condition = (): unknown => {
      if (next() < 0.35) return pick(scalars);
      const ops = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'];
      const out: Doc = {};
      for (let k = 0; k < 1 + Math.floor(next() * 2); k++) {
        const op = pick(ops);
        out[op] = operand(op);
      }
      return out;
    };
    const filter = (depth = 0): Doc => {
      const f: Doc = {};
      const paths = ['a', 'x', 'a.b', 'a.c', '_id'];
      for (let k = 0; k < 1 + Math.floor(next() * 2); k++) f[pick(paths)] = condition();
      if (depth === 0 && next() < 0.3) f[next() < 0.5 ? '$or' : '$and'] = [filter(1), filter(1)];
      return f;
    };
    const docs = Array.from({ length: 60 }, doc);
    let fastCount = 0;
    for (let i = 0; i < 1500; i++) {
      const f = filter();
      if (fastFilter(f)) fastCount++;
      const mingo = new Query(f, MATCH_OPTIONS);
      const ours = compileFilter(f);
      for (const d of docs) {
        const want = mingo.test(d);
        if (ours.test(d) !== want) throw new Error(`filter ${JSON.stringify(f)} on ${JSON.stringify(d)}: mingo says ${want}`);
      }
    }
    // Most generated filters are within the fast subset (the rest exercise the fallback).
    expect(fastCount).toBeGreaterThan(1000);
  });

  it('leaves what it does not handle to mingo', () => {
    expect(fastFilter({ a: { $regex: 'x' } })).toBeUndefined();
    expect(fastFilter({ a: { b: 1 } })).toBeUndefined();
    expect(fastFilter({ a: [1, 2] })).toBeUndefined();
    expect(fastFilter({ a: /x/ })).toBeUndefined();
    expect(fastFilter({ a: { $type: 'string' } })).toBeUndefined();
    expect(fastFilter({ $where: 'true' })).toBeUndefined();
    expect(fastFilter({ a: { $in: 'not a list' } })).toBeUndefined();
    expect(() => compileFilter({ a: { $bogus: 1 } }).test({})).toThrow(/unknown (query )?operator/i);
  });

  it('handles the queries the bot sends most', () => {
    const now = new Date();
    expect(fastFilter({ _id: 'slack:1' })).toBeDefined();
    expect(fastFilter({ status: 'pending', dueAt: { $lte: now } })).toBeDefined();
    expect(
      fastFilter({
        name: 'clock.milestone',
        disabled: { $ne: true },
        $or: [{ lockedAt: { $eq: null }, nextRunAt: { $lte: now } }, { lockedAt: { $lte: now } }],
      }),
    ).toBeDefined();
  });
});
