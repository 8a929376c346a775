// BSON value ordering, equality and hashing with MongoDB's semantics.
// Index keys, sorts, $min/$max and unique checks all go through these so the
// embedded server orders and compares values exactly one way.
import { Binary, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp, BSONRegExp, Double, Int32 } from 'bson';

/** Canonical comparison rank of each BSON type (MongoDB's documented sort order). */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'object':
      break;
    default:
      return 5;
  }
  // The most common object values first.
  if (v instanceof Date) return 10;
  if (v instanceof ObjectId) return 8;
  if (v instanceof MinKey) return 1;
  if (v instanceof MaxKey) return 13;
  if (v instanceof Long || v instanceof Decimal128 || v instanceof Double || v instanceof Int32) return 3;
  if (Array.isArray(v)) return 6;
  if (v instanceof Binary || v instanceof Uint8Array) return 7;
  if (v instanceof ObjectId) return 8;
  if (v instanceof Date) return 10;
  if (v instanceof Timestamp) return 11;
  if (v instanceof RegExp || v instanceof BSONRegExp) return 12;
  const bsontype = (v as { _bsontype?: string })._bsontype;
  if (bsontype === 'ObjectId' || bsontype === 'ObjectID') return 8;
  if (bsontype === 'MinKey') return 1;
  if (bsontype === 'MaxKey') return 13;
  return 5;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Decimal128) return Number(v.toString());
  if (v instanceof Double || v instanceof Int32) return v.valueOf();
  return NaN;
}

export function isNumeric(v: unknown): boolean {
  return typeRank(v) === 3;
}

function compareNumbers(a: number, b: number): number {
  // MongoDB sorts NaN below every other number.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** Total order over BSON values, as MongoDB compares them. */
export function compareValues(a: unknown, b: unknown): number {
  // Fast paths for the values index keys hold most: strings, numbers, dates, ids.
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (a instanceof Date && b instanceof Date) return compareNumbers(a.getTime(), b.getTime());
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbers(toNumber(a), toNumber(b));
    case 4:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 5:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
    case 7: {
      const x = a instanceof Binary ? a.buffer : (a as Uint8Array);
      const y = b instanceof Binary ? b.buffer : (b as Uint8Array);
      const sx = a instanceof Binary ? a.sub_type : 0;
      const sy = b instanceof Binary ? b.sub_type : 0;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      if (sx !== sy) return sx < sy ? -1 : 1;
      return compareBytes(x, y);
    }
    case 8: {
      // Byte order is hex-string order (both are big-endian), without building two strings per comparison.
      const x = (a as ObjectId).id;
      const y = (b as ObjectId).id;
      if (x instanceof Uint8Array && y instanceof Uint8Array && x.length === 12 && y.length === 12) return compareBytes(x, y);
      const hx = (a as ObjectId).toHexString();
      const hy = (b as ObjectId).toHexString();
      return hx === hy ? 0 : hx < hy ? -1 : 1;
    }
    case 9:
      return a === b ? 0 : a ? 1 : -1;
    case 10:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const c = (a as Timestamp).compare(b as Timestamp);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case 12: {
      const x = String(a);
      const y = String(b);
      return x === y ? 0 : x < y ? -1 : 1;
    }
    default:
      return 0;
  }
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const c = compareValues(a[ka[i]], b[kb[i]]);
    if (c !== 0) return c;
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/**
 * A string that is equal for two values exactly when MongoDB considers them
 * equal (1, 1.0 and Long(1) hash alike; field order matters in documents).
 * Used as the key of unique-index and `_id` hash maps.
 */
export function hashKey(v: unknown): string {
  const r = typeRank(v);
  switch (r) {
    case 1:
      return '<min>';
    case 2:
      return 'z';
    case 3: {
      const n = toNumber(v);
      return 'n' + (Object.is(n, -0) ? 0 : n);
    }
    case 4:
      return 's' + JSON.stringify(v);
    case 6:
      return '[' + (v as unknown[]).map(hashKey).join(',') + ']';
    case 7: {
      const bytes = v instanceof Binary ? v.buffer : (v as Uint8Array);
      const sub = v instanceof Binary ? v.sub_type : 0;
      return 'x' + sub + ':' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
    }
    case 8:
      return 'o' + (v as ObjectId).toHexString();
    case 9:
      return v ? 'T' : 'F';
    case 10:
      return 'd' + (v as Date).getTime();
    case 11:
      return 't' + (v as Timestamp).toString();
    case 12:
      return 'r' + String(v);
    case 13:
      return '<max>';
    default: {
      const o = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(o)) if (o[k] !== undefined) parts.push(JSON.stringify(k) + ':' + hashKey(o[k]));
      return '{' + parts.join(',') + '}';
    }
  }
}

/** Smallest and largest values of a type bracket, for range bounds ($gt 5 stops at the last number). */
export function typeBracketEdges(v: unknown): { min: unknown; max: unknown } {
  return { min: new BracketEdge(typeRank(v), -1), max: new BracketEdge(typeRank(v), 1) };
}

/** A sentinel that sorts just before (-1) or just after (+1) every value of one type rank. */
export class BracketEdge {
  constructor(
    readonly rank: number,
    readonly side: -1 | 1,
  ) {}
}

/** compareValues that also understands BracketEdge sentinels (used for index bounds). */
export function compareBound(a: unknown, b: unknown): number {
  const ea = a instanceof BracketEdge;
  const eb = b instanceof BracketEdge;
  if (!ea && !eb) return compareValues(a, b);
  const ra = ea ? (a as BracketEdge).rank : typeRank(a);
  const rb = eb ? (b as BracketEdge).rank : typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  const sa = ea ? (a as BracketEdge).side : 0;
  const sb = eb ? (b as BracketEdge).side : 0;
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

/** Read a dotted path; arrays on the way yield the list of values found (MongoDB's implicit traversal). */
export function getPath(doc: unknown, path: string): unknown {
  const parts = path.split('.');
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) {
      const idx = /^\d+$/.test(parts[i]) ? Number(parts[i]) : NaN;
      if (!Number.isNaN(idx)) {
        cur = cur[idx];
        continue;
      }
      const rest = parts.slice(i).join('.');
      const out: unknown[] = [];
      for (const el of cur) {
        const got = getPath(el, rest);
        if (got === undefined) continue;
        if (Array.isArray(got)) out.push(...got);
        else out.push(got);
      }
      return out.length ? out : undefined;
    }
    if (typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[parts[i]];
  }
  return cur;
}

/** Value used when sorting by a field: arrays sort by their smallest (ascending) or largest (descending) element. */
export function sortKeyOf(doc: unknown, path: string, direction: 1 | -1): unknown {
  const v = getPath(doc, path);
  if (!Array.isArray(v)) return v ?? null;
  if (v.length === 0) return undefined;
  let best = v[0];
  for (const el of v) if (compareValues(el, best) * direction < 0) best = el;
  return best;
}

export function compareBySortSpec(spec: Array<[string, 1 | -1]>): (a: unknown, b: unknown) => number {
  return (a, b) => {
    for (const [path, dir] of spec) {
      const c = compareValues(sortKeyOf(a, path, dir), sortKeyOf(b, path, dir));
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeRank(v) === 5 && !(v instanceof BracketEdge);
}
