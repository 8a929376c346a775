import { describe, it, expect } from '@jest/globals';
import { Collection } from '../../../../../src/storage/embedded/engine/collection.js';
import { planQuery, type Plan } from '../../../../../src/storage/embedded/engine/planner.js';
import { findDocuments } from '../../../../../src/storage/embedded/engine/query-exec.js';

function jobs(count: number, due: number): Collection {
  const coll = new Collection('db', 'jobs', {}, () => undefined);
  coll.createIndex({ key: { name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 }, name: 'findAndLockNextJobIndex' });
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    coll.insert({ name: 'send', priority: i % 3, nextRunAt: new Date(now + (i < due ? -1000 - i : 3_600_000 + i)), lockedAt: null });
  }
  return coll;
}

const lockQuery = (now: Date) => ({
  name: 'send',
  disabled: { $ne: true },
  $or: [{ lockedAt: { $eq: null }, nextRunAt: { $lte: now } }, { lockedAt: { $lte: new Date(now.getTime() - 600_000) } }],
});

function scanned(plan: Plan): number {
  return plan.kind === 'scans' ? plan.scans.reduce((n, s) => n + s.count, 0) : Infinity;
}

describe('planQuery', () => {
  it('serves an equality plus range with the compound index prefix and the $or branch with a helper index', () => {
    const coll = jobs(2000, 5);
    const plan = planQuery(coll.plannerIndexes, coll.count, { filter: lockQuery(new Date()), sort: [['nextRunAt', 1], ['priority', -1]], limit: 1 });
    expect(plan.kind).toBe('scans');
    // 5 due jobs in the first branch, 0 locked jobs in the second: nothing like the 2000 documents.
    expect(scanned(plan)).toBe(5);
  });

  it('prefers the tighter $or plan over a name-prefix scan that must walk finished jobs (null nextRunAt sorts first)', () => {
    const coll = jobs(300, 40);
    for (let i = 0; i < 2000; i++) coll.insert({ name: 'send', priority: 0, nextRunAt: null, lockedAt: null, lastFinishedAt: new Date() });
    const plan = planQuery(coll.plannerIndexes, coll.count, { filter: lockQuery(new Date()), sort: [['nextRunAt', 1], ['priority', -1]], limit: 1 });
    expect(plan.kind === 'scans' && plan.scans.length).toBe(2);
    expect(scanned(plan)).toBe(40);
  });

  it('returns the same documents as a full scan, in the requested order', () => {
    const coll = jobs(500, 50);
    const filter = lockQuery(new Date());
    const viaIndex = findDocuments(coll, { filter, sort: { nextRunAt: 1, priority: -1 }, limit: 10 });
    const all = [...coll.docs.values()]
      .filter((d) => (d.nextRunAt as Date).getTime() <= Date.now())
      .sort((a, b) => (a.nextRunAt as Date).getTime() - (b.nextRunAt as Date).getTime())
      .slice(0, 10);
    expect(viaIndex.map((d) => d._id)).toEqual(all.map((d) => d._id));
  });

  it('uses _id for point lookups and falls back to a scan for unindexed fields', () => {
    const coll = jobs(100, 0);
    const someId = [...coll.docs.values()][42]._id;
    expect(scanned(planQuery(coll.plannerIndexes, coll.count, { filter: { _id: someId } }))).toBe(1);
    expect(planQuery(coll.plannerIndexes, coll.count, { filter: { color: 'red' } }).kind).toBe('collscan');
  });

  it('does not intersect bounds on a multikey field (different elements may satisfy each bound)', () => {
    const coll = new Collection('db', 'tags', {}, () => undefined);
    coll.createIndex({ key: { n: 1 }, name: 'n_1' });
    coll.insert({ _id: 1, n: [1, 10] });
    coll.insert({ _id: 2, n: 5 });
    expect(findDocuments(coll, { filter: { n: { $gt: 8, $lt: 3 } } }).map((d) => d._id)).toEqual([1]);
  });

  it('honours type bracketing in ranges', () => {
    const coll = new Collection('db', 'mixed', {}, () => undefined);
    coll.createIndex({ key: { v: 1 }, name: 'v_1' });
    for (const [i, v] of [1, 'a', new Date(5), null, 7, true].entries()) coll.insert({ _id: i, v });
    expect(findDocuments(coll, { filter: { v: { $gt: 0 } } }).map((d) => d.v)).toEqual([1, 7]);
    expect(findDocuments(coll, { filter: { v: { $lte: new Date(10) } } }).map((d) => d._id)).toEqual([2]);
    expect(findDocuments(coll, { filter: { v: null } }).map((d) => d._id)).toEqual([3]);
  });

  it('scans a descending index backwards to serve the opposite sort', () => {
    const coll = new Collection('db', 'desc', {}, () => undefined);
    coll.createIndex({ key: { k: 1, at: -1 }, name: 'k_at' });
    for (let i = 0; i < 50; i++) coll.insert({ k: i % 2, at: i });
    const plan = planQuery(coll.plannerIndexes, coll.count, { filter: { k: 1 }, sort: [['at', 1]], limit: 3 });
    expect(plan.kind === 'scans' && plan.scans[0].providesSort && plan.scans[0].reverse).toBe(true);
    expect(findDocuments(coll, { filter: { k: 1 }, sort: { at: 1 }, limit: 3 }).map((d) => d.at)).toEqual([1, 3, 5]);
  });
});
