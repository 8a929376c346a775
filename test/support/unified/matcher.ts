// Result matching for the unified test format runner.
//
// Rules (from the format's "Evaluating Matches" section, re-implemented here):
// - documents: every expected key must be present and match; key order is free;
//   extra keys are allowed only in root-level documents (a result document, or
//   each document of a cursor result);
// - arrays: same length, element by element;
// - numbers: int32, int64 and double are equal when numerically equal
//   (Decimal128 is compared only with Decimal128);
// - special operators, written as single-key objects whose key starts with
//   "$$": $$exists, $$type, $$unsetOrMatches, $$lte, $$matchAsRoot,
//   $$matchAsDocument, $$matchesEntity.
// `assertSameData` is the stricter comparison used for collection contents
// (`outcome`): no extra keys anywhere and no special operators.
import { EJSON } from 'bson';

export class MatchError extends Error {
  override get name(): string {
    return 'MatchError';
  }
}

/** Where matching starts: a root document, a cursor result (array of root documents), or a plain value. */
export type MatchLevel = 'root' | 'rootArray' | 'nested';

export interface MatchOptions {
  level?: MatchLevel;
  /** Resolves `$$matchesEntity` names. */
  entity?: (name: string) => unknown;
}

interface Ctx {
  exact: boolean;
  entity?: (name: string) => unknown;
}

/** Throws a MatchError naming the first path where `actual` does not match `expected`. */
export function assertMatches(expected: unknown, actual: unknown, options: MatchOptions = {}): void {
  check(expected, actual, '$', options.level ?? 'root', { exact: false, entity: options.entity });
}

/** Exact comparison of stored data (key order free, numbers by value, no extra keys, no operators). */
export function assertSameData(expected: unknown, actual: unknown, path = '$'): void {
  check(expected, actual, path, 'nested', { exact: true });
}

/** The first mismatch as a message, or undefined when `actual` matches. */
export function mismatch(expected: unknown, actual: unknown, options: MatchOptions = {}): string | undefined {
  try {
    assertMatches(expected, actual, options);
    return undefined;
  } catch (err) {
    if (err instanceof MatchError) return err.message;
    throw err;
  }
}

function fail(path: string, what: string): never {
  throw new MatchError(`at ${path}: ${what}`);
}

function check(expected: unknown, actual: unknown, path: string, level: MatchLevel, ctx: Ctx): void {
  if (!ctx.exact && isOperator(expected)) {
    checkOperator(expected, actual, path, level, ctx);
    return;
  }
  if (isDocument(expected)) {
    checkDocument(expected, actual, path, level === 'root', ctx);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) fail(path, `expected an array, got ${show(actual)}`);
    if (actual.length !== expected.length) {
      fail(path, `expected ${expected.length} element(s), got ${actual.length}: ${show(actual)}`);
    }
    const elementLevel = level === 'rootArray' ? 'root' : 'nested';
    expected.forEach((e, i) => check(e, actual[i], `${path}[${i}]`, elementLevel, ctx));
    return;
  }
  if (!sameScalar(expected, actual)) fail(path, `expected ${show(expected)}, got ${show(actual)}`);
}

function checkDocument(expected: Record<string, unknown>, actual: unknown, path: string, root: boolean, ctx: Ctx): void {
  if (!isDocument(actual)) fail(path, `expected a document, got ${show(actual)}`);
  for (const [key, value] of Object.entries(expected)) {
    const child = `${path}.${key}`;
    const present = actual[key] !== undefined;
    if (!ctx.exact && isOperator(value)) {
      const [op, arg] = Object.entries(value)[0];
      if (op === '$$exists') {
        if (present !== Boolean(arg)) fail(child, arg ? 'expected the field to exist' : `expected no field, got ${show(actual[key])}`);
        continue;
      }
      if (op === '$$unsetOrMatches' && !present) continue;
    } else if (!present) {
      fail(child, `missing field (expected ${show(value)})`);
    }
    check(value, actual[key], child, 'nested', ctx);
  }
  if (root && !ctx.exact) return;
  for (const key of Object.keys(actual)) {
    if (actual[key] !== undefined && !(key in expected)) {
      fail(`${path}.${key}`, `unexpected field with value ${show(actual[key])}`);
    }
  }
}

function checkOperator(expected: Record<string, unknown>, actual: unknown, path: string, level: MatchLevel, ctx: Ctx): void {
  const [op, arg] = Object.entries(expected)[0];
  switch (op) {
    case '$$exists':
      if ((actual !== undefined) !== Boolean(arg)) fail(path, arg ? 'expected a value' : `expected no value, got ${show(actual)}`);
      return;
    case '$$unsetOrMatches':
      if (actual !== undefined) check(arg, actual, path, level, ctx);
      return;
    case '$$type': {
      const wanted = Array.isArray(arg) ? (arg as string[]) : [String(arg)];
      if (actual === undefined) fail(path, `expected a value of type ${wanted.join('|')}, got nothing`);
      const got = typeAliases(actual);
      if (!wanted.some((t) => got.includes(t))) fail(path, `expected type ${wanted.join('|')}, got ${got[0]} ${show(actual)}`);
      return;
    }
    case '$$lte': {
      const a = toNumber(actual);
      const e = toNumber(arg);
      if (a === undefined || e === undefined || !(a <= e)) fail(path, `expected a number <= ${show(arg)}, got ${show(actual)}`);
      return;
    }
    case '$$matchAsRoot':
      check(arg, actual, path, 'root', ctx);
      return;
    case '$$matchAsDocument':
      if (typeof actual !== 'string') fail(path, `expected an Extended JSON string, got ${show(actual)}`);
      check(arg, EJSON.parse(actual, { relaxed: false }), path, 'nested', ctx);
      return;
    case '$$matchesEntity':
      if (!ctx.entity) throw new Error('$$matchesEntity used without an entity map');
      check(ctx.entity(String(arg)), actual, path, level, ctx);
      return;
    default:
      throw new Error(`unsupported special operator ${op} at ${path}`);
  }
}

/** A single-key object whose key starts with "$$". */
export function isOperator(value: unknown): value is Record<string, unknown> {
  if (!isDocument(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0].startsWith('$$');
}

/** A plain document (not an array, Date, RegExp, byte buffer or BSON value class). */
export function isDocument(value: unknown): value is Record<string, any> {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return false;
  return bsonType(value) === undefined;
}

function bsonType(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const t = (value as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

/** int32, int64 and double values as a JS number or bigint; undefined for anything else. */
function toNumeric(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  const t = bsonType(value);
  if (t === 'Int32' || t === 'Double') return (value as { valueOf(): number }).valueOf();
  if (t === 'Long') return BigInt((value as { toString(): string }).toString());
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  const n = toNumeric(value);
  return n === undefined ? undefined : Number(n);
}

function sameNumber(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  if (typeof a === 'bigint') return sameNumber(b, a);
  if (typeof b === 'bigint') return Number.isInteger(a) && BigInt(a) === b;
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  const e = toNumeric(expected);
  const a = toNumeric(actual);
  if (e !== undefined || a !== undefined) return e !== undefined && a !== undefined && sameNumber(e, a);
  if (expected === null || actual === null || expected === undefined || actual === undefined) return expected === actual;
  if (typeof expected !== 'object' || typeof actual !== 'object') return expected === actual;
  if (expected instanceof Date || actual instanceof Date) {
    return expected instanceof Date && actual instanceof Date && expected.getTime() === actual.getTime();
  }
  if (isDocument(actual) || Array.isArray(actual)) return false;
  // Remaining BSON values (ObjectId, Binary, Decimal128, Timestamp, regex, Code, Min/MaxKey):
  // canonical Extended JSON is a faithful, key-order-stable rendering of each.
  return canonical(expected) === canonical(actual);
}

function canonical(value: unknown): string {
  return EJSON.stringify({ v: value }, { relaxed: false });
}

/**
 * The `$type` aliases a value answers to. A plain JS number has lost its BSON
 * width (the driver promotes int32, int64 and double alike), so an integral
 * number answers to int, long and double; a fractional one to double only.
 */
export function typeAliases(value: unknown): string[] {
  const withNumber = (names: string[]) => [...names, 'number'];
  if (value === null) return ['null'];
  if (value === undefined) return ['undefined'];
  if (typeof value === 'string') return ['string'];
  if (typeof value === 'boolean') return ['bool'];
  if (typeof value === 'bigint') return withNumber(['long']);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return withNumber(['double']);
    return withNumber(Math.abs(value) < 2 ** 31 ? ['int', 'long', 'double'] : ['long', 'double']);
  }
  if (Array.isArray(value)) return ['array'];
  if (value instanceof Date) return ['date'];
  if (value instanceof RegExp) return ['regex'];
  if (ArrayBuffer.isView(value)) return ['binData'];
  const t = bsonType(value);
  if (t === undefined) return ['object'];
  const byBsonType: Record<string, string[]> = {
    Int32: withNumber(['int']),
    Long: withNumber(['long']),
    Double: withNumber(['double']),
    Decimal128: withNumber(['decimal']),
    ObjectId: ['objectId'],
    Binary: ['binData'],
    Timestamp: ['timestamp'],
    BSONRegExp: ['regex'],
    BSONSymbol: ['symbol'],
    MinKey: ['minKey'],
    MaxKey: ['maxKey'],
    DBRef: ['object'],
    DBPointer: ['dbPointer'],
  };
  if (t === 'Code') return (value as { scope?: unknown }).scope ? ['javascriptWithScope'] : ['javascript'];
  return byBsonType[t] ?? [t];
}

/** A short rendering of a value for failure messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = EJSON.stringify(value as any, { relaxed: true });
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
