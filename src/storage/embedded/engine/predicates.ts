// Turns a query filter into per-field bounds the planner can look up in an
// index. Anything it does not understand is simply left out: bounds are a
// superset of the matches, and every candidate is re-checked by the matcher.
import { BracketEdge, compareBound, hashKey, isPlainObject, typeRank } from './values.js';

type Doc = Record<string, unknown>;

export interface Range {
  lo?: unknown;
  loInc: boolean;
  hi?: unknown;
  hiInc: boolean;
}

export type FieldBounds = { points: unknown[] } | { range: Range };

export interface Predicates {
  /** AND of bounds per field; several entries per field stay separate because multikey indexes must not intersect them. */
  fields: Map<string, FieldBounds[]>;
  /** The branches of the first top-level `$or`, if any. */
  or?: Doc[];
}

function indexableValue(v: unknown): boolean {
  return !Array.isArray(v) && !(v instanceof RegExp) && typeRank(v) !== 12;
}

function boundsOf(condition: unknown): FieldBounds[] {
  if (!isPlainObject(condition) || !Object.keys(condition).some((k) => k.startsWith('$'))) {
    return indexableValue(condition) ? [{ points: [condition ?? null] }] : [];
  }
  const out: FieldBounds[] = [];
  for (const [op, v] of Object.entries(condition)) {
    switch (op) {
      case '$eq':
        if (indexableValue(v)) out.push({ points: [v ?? null] });
        break;
      case '$in':
        if (Array.isArray(v) && v.every(indexableValue)) out.push({ points: v.map((x) => x ?? null) });
        break;
      case '$gt':
      case '$gte':
        if (indexableValue(v)) out.push({ range: { lo: v, loInc: op === '$gte', hi: new BracketEdge(typeRank(v), 1), hiInc: true } });
        break;
      case '$lt':
      case '$lte':
        if (indexableValue(v)) out.push({ range: { lo: new BracketEdge(typeRank(v), -1), loInc: true, hi: v, hiInc: op === '$lte' } });
        break;
      default:
        break;
    }
  }
  return out;
}

export function extractPredicates(filter: Doc | undefined): Predicates {
  const result: Predicates = { fields: new Map() };
  collect(filter ?? {}, result);
  return result;
}

function collect(filter: Doc, into: Predicates): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isPlainObject(clause)) collect(clause, into);
    } else if (key === '$or' && Array.isArray(value)) {
      if (!into.or && value.every(isPlainObject)) into.or = value as Doc[];
    } else if (!key.startsWith('$')) {
      const bounds = boundsOf(value);
      if (bounds.length) into.fields.set(key, [...(into.fields.get(key) ?? []), ...bounds]);
    }
  }
}

/** The AND of two predicate sets (an `$or` branch joined with the conditions around it). */
export function mergePredicates(a: Predicates, b: Predicates): Predicates {
  const fields = new Map(a.fields);
  for (const [k, v] of b.fields) fields.set(k, [...(fields.get(k) ?? []), ...v]);
  return { fields };
}

function inRange(v: unknown, r: Range): boolean {
  if (r.lo !== undefined) {
    const c = compareBound(v, r.lo);
    if (c < 0 || (c === 0 && !r.loInc)) return false;
  }
  if (r.hi !== undefined) {
    const c = compareBound(v, r.hi);
    if (c > 0 || (c === 0 && !r.hiInc)) return false;
  }
  return true;
}

/** Intersects bounds on one field (only valid when the field holds no arrays). */
export function intersect(list: FieldBounds[]): FieldBounds {
  let acc = list[0];
  for (const next of list.slice(1)) {
    if ('points' in acc && 'points' in next) {
      const keys = new Set(next.points.map(hashKey));
      acc = { points: acc.points.filter((p) => keys.has(hashKey(p))) };
    } else if ('points' in acc || 'points' in next) {
      const points = 'points' in acc ? acc.points : (next as { points: unknown[] }).points;
      const range = 'range' in acc ? acc.range : (next as { range: Range }).range;
      acc = { points: points.filter((p) => inRange(p, range)) };
    } else {
      const a = acc.range;
      const b = next.range;
      const lo = pick(a.lo, a.loInc, b.lo, b.loInc, 1);
      const hi = pick(a.hi, a.hiInc, b.hi, b.hiInc, -1);
      acc = { range: { lo: lo[0], loInc: lo[1], hi: hi[0], hiInc: hi[1] } };
    }
  }
  return acc;
}

/** The tighter of two bounds: the larger low bound (want=1) or the smaller high bound (want=-1). */
function pick(x: unknown, xInc: boolean, y: unknown, yInc: boolean, want: 1 | -1): [unknown, boolean] {
  if (x === undefined) return [y, yInc];
  if (y === undefined) return [x, xInc];
  const c = compareBound(x, y) * want;
  if (c > 0) return [x, xInc];
  if (c < 0) return [y, yInc];
  return [x, xInc && yInc];
}
