// Chooses how to find a query's candidates: which index intervals to scan (one
// set per `$or` branch when every branch can use an index), or a full scan.
// Interval sizes are exact (ranks in the sorted index), so the cheapest plan is
// known without trial runs. A scan whose index order equals the requested sort
// lets a sorted, limited query stop after a few entries.
import { HIGH, LOW, type Index } from './index-store.js';
import { extractPredicates, intersect, mergePredicates, type FieldBounds, type Predicates, type Range } from './predicates.js';
import { compareValues } from './values.js';

type Doc = Record<string, unknown>;
export type SortSpec = Array<[string, 1 | -1]>;

// Cartesian products of point lists stay small; one long `$in` list (Agenda unlocking
// thousands of jobs by _id) is still far cheaper as binary searches than as a scan.
const MAX_INTERVALS = 256;
const MAX_POINTS_SINGLE_FIELD = 20_000;

export interface IndexScan {
  index: Index;
  intervals: Array<[unknown[], unknown[]]>;
  count: number;
  /** Scanning these intervals (in `reverse` when set) yields documents already in the requested sort order. */
  providesSort: boolean;
  reverse: boolean;
}

export type Plan = { kind: 'collscan'; cost: number; count: number } | { kind: 'scans'; scans: IndexScan[]; cost: number; count: number };

/**
 * Lower cost wins; on equal cost the plan with fewer candidate entries wins. A
 * sorted scan with a limit is costed by the limit, but an interval full of
 * entries that cannot match (Agenda's finished jobs, whose null `nextRunAt`
 * sorts first) still has to be walked, so the tighter interval is the safer bet.
 */
function better(a: { cost: number; count: number }, b: { cost: number; count: number }): boolean {
  return a.cost < b.cost || (a.cost === b.cost && a.count < b.count);
}

export interface PlanRequest {
  filter?: Doc;
  sort?: SortSpec;
  limit?: number;
}

function scanCost(scan: IndexScan, req: PlanRequest): number {
  if (req.sort?.length && !scan.providesSort) return scan.count * 2;
  if (req.limit && (scan.providesSort || !req.sort?.length)) return Math.min(scan.count, req.limit * 8 + 8);
  return scan.count;
}

export function planQuery(indexes: Index[], totalDocs: number, req: PlanRequest): Plan {
  const preds = extractPredicates(req.filter);
  const collscanCost = req.sort?.length ? totalDocs * 2 : req.limit ? Math.min(totalDocs, req.limit * 8 + 8) : totalDocs;
  let best: Plan = { kind: 'collscan', cost: collscanCost, count: totalDocs };

  const outer = chooseScan(indexes, preds, req);
  if (outer) {
    const candidate: Plan = { kind: 'scans', scans: [outer], cost: scanCost(outer, req), count: outer.count };
    if (better(candidate, best)) best = candidate;
  }
  if (preds.or) {
    const scans: IndexScan[] = [];
    for (const branch of preds.or) {
      const scan = chooseScan(indexes, mergePredicates(preds, extractPredicates(branch)), req);
      if (!scan) return best;
      scans.push(scan);
    }
    const candidate: Plan = {
      kind: 'scans',
      scans,
      cost: scans.reduce((sum, s) => sum + scanCost(s, req), 0),
      count: scans.reduce((sum, s) => sum + s.count, 0),
    };
    if (better(candidate, best)) best = candidate;
  }
  return best;
}

function chooseScan(indexes: Index[], preds: Predicates, req: PlanRequest): IndexScan | null {
  let best: IndexScan | null = null;
  let bestCost = Infinity;
  for (const index of indexes) {
    if (!index.plannable) continue;
    const scan = scanFor(index, preds.fields, req.sort);
    if (!scan) continue;
    const cost = scanCost(scan, req);
    const tie = cost === bestCost && best !== null;
    if (cost < bestCost || (tie && (scan.count < best!.count || (scan.count === best!.count && scan.providesSort && !best!.providesSort)))) {
      best = scan;
      bestCost = cost;
    }
  }
  return best;
}

function scanFor(index: Index, fields: Map<string, FieldBounds[]>, sort?: SortSpec): IndexScan | null {
  const pointLists: unknown[][] = [];
  let range: Range | undefined;
  let combos = 1;
  for (let j = 0; j < index.fields.length; j++) {
    const list = fields.get(index.fields[j]);
    if (!list) break;
    const bounds = index.multikey ? list[0] : intersect(list);
    if ('points' in bounds) {
      const limit = pointLists.length === 0 ? MAX_POINTS_SINGLE_FIELD : MAX_INTERVALS;
      if (combos * Math.max(bounds.points.length, 1) > limit) break;
      combos *= Math.max(bounds.points.length, 1);
      const dir = index.directions[j];
      pointLists.push([...bounds.points].sort((a, b) => compareValues(a, b) * dir));
      if (bounds.points.length === 0) break;
    } else {
      range = bounds.range;
      break;
    }
  }
  if (pointLists.length === 0 && !range) return null;

  const intervals: Array<[unknown[], unknown[]]> = [];
  const empty = pointLists.some((p) => p.length === 0);
  if (!empty) {
    for (const prefix of cartesian(pointLists)) intervals.push([probe(index, prefix, range, 'start'), probe(index, prefix, range, 'end')]);
  }
  let count = 0;
  for (const [start, end] of intervals) {
    const from = index.entries.rank(index.entries.lowerBound((e) => index.compareKeys(e.key, start)));
    const to = index.entries.rank(index.entries.upperBound((e) => index.compareKeys(e.key, end)));
    count += Math.max(0, to - from);
  }
  const order = sortOrder(index, pointLists, intervals.length, sort);
  return { index, intervals, count, providesSort: order !== 0, reverse: order === -1 };
}

/** 1 when scanning forward gives the sort order, -1 when scanning backward does, 0 otherwise. */
function sortOrder(index: Index, pointLists: unknown[][], intervalCount: number, sort?: SortSpec): 0 | 1 | -1 {
  if (!sort?.length || index.multikey || intervalCount !== 1) return 0;
  const fixed = new Set(index.fields.slice(0, pointLists.length));
  const wanted = sort.filter(([f]) => !fixed.has(f));
  if (wanted.length === 0) return 1;
  let sign: 0 | 1 | -1 = 0;
  for (let i = 0; i < wanted.length; i++) {
    const j = pointLists.length + i;
    if (index.fields[j] !== wanted[i][0]) return 0;
    const s = index.directions[j] === wanted[i][1] ? 1 : -1;
    if (sign === 0) sign = s;
    else if (sign !== s) return 0;
  }
  return sign;
}

function probe(index: Index, prefix: unknown[], range: Range | undefined, side: 'start' | 'end'): unknown[] {
  const key: unknown[] = [...prefix];
  let pad: symbol = side === 'start' ? LOW : HIGH;
  if (range) {
    const dir = index.directions[prefix.length];
    const useLow = (side === 'start') === (dir === 1);
    const value = useLow ? range.lo : range.hi;
    const inclusive = useLow ? range.loInc : range.hiInc;
    if (value === undefined) key.push(side === 'start' ? LOW : HIGH);
    else {
      key.push(value);
      if (!inclusive) pad = side === 'start' ? HIGH : LOW;
    }
  }
  while (key.length < index.fields.length) key.push(pad);
  return key;
}

function cartesian(lists: unknown[][]): unknown[][] {
  let out: unknown[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

/** Record ids in one scan's intervals, in index order (or reversed). */
export function* scanRecordIds(scan: IndexScan): Generator<number> {
  const { index } = scan;
  const intervals = scan.reverse ? [...scan.intervals].reverse() : scan.intervals;
  for (const [start, end] of intervals) {
    const from = index.entries.lowerBound((e) => index.compareKeys(e.key, start));
    const to = index.entries.upperBound((e) => index.compareKeys(e.key, end));
    for (const entry of index.entries.range(from, to, scan.reverse)) yield entry.rid;
  }
}
