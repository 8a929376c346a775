// A fast path for the filters a bot sends most: fields compared with plain
// values ({ _id: x }, { status: 'pending', dueAt: { $lte: now } }, Agenda's
// lock query), which mingo would otherwise compile anew for every command.
// Only a small subset is handled here, with MongoDB's semantics for values
// that are not arrays: equality (null also matching a missing field), $ne,
// ranges within one type bracket, $in/$nin, $exists, $and/$or. Anything else
// is left to mingo (undefined below); and a document whose path to a field
// holds an array is handed to mingo too, so array semantics stay mingo's.
import { ObjectId } from 'bson';
import { compareValues, typeRank } from './values.js';

type Doc = Record<string, unknown>;
/** What a field test says: true/false, or "ask mingo" (an array on the way). */
type Verdict = boolean | typeof ASK;
type Test = (doc: Doc) => Verdict;

export const ASK = Symbol('ask-mingo');
const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

/** Scalars compared by value: strings, finite numbers, booleans, dates, ObjectIds and (for equality) null. */
function isScalar(v: unknown, allowNull: boolean): boolean {
  if (v === null) return allowNull;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      return v instanceof Date ? !Number.isNaN(v.getTime()) : v instanceof ObjectId;
    default:
      return false;
  }
}

/** The value at a dotted path, or ASK when an array lies on the way (or at the end). */
function resolve(doc: Doc, parts: string[]): unknown {
  let cur: unknown = doc;
  for (const part of parts) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) return ASK;
    // Only plain subdocuments have fields (a date, an id or any other BSON value has none).
    if (typeof cur !== 'object' || !isPlain(cur)) return undefined;
    cur = (cur as Doc)[part];
  }
  // Arrays, and BSON values other than dates and ids (Long, Decimal128, …), are mingo's to judge.
  if (Array.isArray(cur) || (cur !== null && typeof cur === 'object' && !(cur instanceof Date) && !(cur instanceof ObjectId) && !isPlain(cur))) return ASK;
  return cur;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const equal = (v: unknown, x: unknown) => compareValues(v === undefined ? null : v, x) === 0;

function operatorTest(op: string, x: unknown): ((v: unknown) => boolean) | undefined {
  if (op === '$eq' || op === '$ne') {
    if (!isScalar(x, true)) return undefined;
    return op === '$eq' ? (v) => equal(v, x) : (v) => !equal(v, x);
  }
  if (RANGE_OPS.has(op)) {
    if (!isScalar(x, false) || typeof x === 'boolean') return undefined;
    const rank = typeRank(x);
    const ok = op === '$gt' ? (c: number) => c > 0 : op === '$gte' ? (c: number) => c >= 0 : op === '$lt' ? (c: number) => c < 0 : (c: number) => c <= 0;
    return (v) => v !== undefined && v !== null && typeRank(v) === rank && ok(compareValues(v, x));
  }
  if (op === '$in' || op === '$nin') {
    if (!Array.isArray(x) || !x.every((m) => isScalar(m, true))) return undefined;
    const member = (v: unknown) => x.some((m) => equal(v, m));
    return op === '$in' ? member : (v) => !member(v);
  }
  if (op === '$exists') {
    if (typeof x !== 'boolean') return undefined;
    return (v) => (v !== undefined) === x;
  }
  return undefined;
}

function fieldTest(path: string, cond: unknown): Test | undefined {
  if (path.startsWith('$') || path === '') return undefined;
  const parts = path.split('.');
  let tests: Array<(v: unknown) => boolean>;
  if (isScalar(cond, true)) tests = [(v) => equal(v, cond)];
  else if (cond !== null && typeof cond === 'object' && Object.getPrototypeOf(cond) === Object.prototype) {
    const ops = Object.entries(cond as Doc);
    if (!ops.length || ops.some(([op]) => !op.startsWith('$'))) return undefined;
    tests = [];
    for (const [op, x] of ops) {
      const t = operatorTest(op, x);
      if (!t) return undefined;
      tests.push(t);
    }
  } else return undefined;
  return (doc) => {
    const v = resolve(doc, parts);
    if (v === ASK) return ASK;
    for (const t of tests) if (!t(v)) return false;
    return true;
  };
}

function filterTest(filter: Doc): Test | undefined {
  const tests: Test[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) return undefined;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || !value.length) return undefined;
      const branches: Test[] = [];
      for (const b of value) {
        if (b === null || typeof b !== 'object' || Array.isArray(b)) return undefined;
        const t = filterTest(b as Doc);
        if (!t) return undefined;
        branches.push(t);
      }
      tests.push(key === '$and' ? allOf(branches) : anyOf(branches));
      continue;
    }
    const t = fieldTest(key, value);
    if (!t) return undefined;
    tests.push(t);
  }
  return allOf(tests);
}

function allOf(tests: Test[]): Test {
  if (tests.length === 1) return tests[0];
  return (doc) => {
    let ask = false;
    for (const t of tests) {
      const r = t(doc);
      if (r === false) return false;
      if (r === ASK) ask = true;
    }
    return ask ? ASK : true;
  };
}

function anyOf(tests: Test[]): Test {
  return (doc) => {
    let ask = false;
    for (const t of tests) {
      const r = t(doc);
      if (r === true) return true;
      if (r === ASK) ask = true;
    }
    return ask ? ASK : false;
  };
}

/** A test for the filter, or undefined when it uses anything beyond the subset above. */
export function fastFilter(filter: Doc | undefined): Test | undefined {
  if (!filter) return () => true;
  return filterTest(filter);
}
