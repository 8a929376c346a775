// Query matching through mingo, with the few places where mingo and MongoDB
// disagree patched here (BSON `$type` names such as 'objectId').
import { Context } from 'mingo';
import { Query } from 'mingo/query';
import { Aggregator } from 'mingo/aggregator';
import * as queryOperators from 'mingo/operators/query';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as windowOperators from 'mingo/operators/window';
import { ErrorCodes, MongoCommandError } from './errors.js';
import { getPath, hashKey } from './values.js';
import { bsonTypeName } from './update-paths.js';
import { ASK, fastFilter } from './fast-filter.js';

type Doc = Record<string, unknown>;

const TYPE_ALIASES: Record<string, string> = {
  1: 'double', 2: 'string', 3: 'object', 4: 'array', 5: 'binData', 6: 'undefined', 7: 'objectId', 8: 'bool',
  9: 'date', 10: 'null', 11: 'regex', 13: 'javascript', 16: 'int', 17: 'timestamp', 18: 'long', 19: 'decimal',
  '-1': 'minKey', 127: 'maxKey',
};

function typeMatches(v: unknown, wanted: unknown): boolean {
  const name = typeof wanted === 'number' ? TYPE_ALIASES[String(wanted)] : String(wanted);
  const actual = bsonTypeName(v);
  if (name === 'number') return ['int', 'double', 'long', 'decimal'].includes(actual);
  return actual === name;
}

function typeOperator(selector: string, value: unknown): (doc: Doc) => boolean {
  const wanted = Array.isArray(value) ? value : [value];
  return (doc) => {
    const v = getPath(doc, selector);
    if (v === undefined) return false;
    const candidates = Array.isArray(v) ? [v, ...v] : [v];
    return candidates.some((c) => wanted.some((w) => typeMatches(c, w)));
  };
}

/**
 * `$in` / `$nin` with a hash set: mingo compares each value against the whole list,
 * which turns a 3,000-id `$in` over 3,000 documents into millions of comparisons.
 * Same semantics: a value (or any element of an array value) equal to a member, a
 * missing field equal to null, regular expressions matched against strings.
 */
function membership(negate: boolean) {
  return (selector: string, value: unknown): ((doc: Doc) => boolean) => {
    if (!Array.isArray(value)) throw new MongoCommandError(ErrorCodes.BadValue, `${negate ? '$nin' : '$in'} needs an array`);
    const regexes = value.filter((v): v is RegExp => v instanceof RegExp);
    const set = new Set(value.filter((v) => !(v instanceof RegExp)).map((v) => hashKey(v ?? null)));
    const hit = (c: unknown) => set.has(hashKey(c ?? null)) || (typeof c === 'string' && regexes.some((r) => r.test(c)));
    return (doc) => {
      const v = getPath(doc, selector);
      const found = Array.isArray(v) ? hit(v) || v.some(hit) : hit(v);
      return negate ? !found : found;
    };
  };
}

// mingo's Context.from lets the first context win, so build one full context
// with our operators in place rather than layering on top of mingo's default.
export const MATCH_OPTIONS = {
  context: Context.init({
    query: { ...queryOperators, $type: typeOperator as never, $in: membership(false) as never, $nin: membership(true) as never },
    expression: expressionOperators as never,
    pipeline: pipelineOperators as never,
    projection: projectionOperators as never,
    accumulator: accumulatorOperators as never,
    window: windowOperators as never,
  }),
  idKey: '_id',
};

export { Query, Aggregator };

/** What a compiled filter offers: a test of one document. */
export interface Matcher {
  test(doc: Doc): boolean;
}

function mingoQuery(filter: Doc | undefined): Query {
  try {
    return new Query(filter ?? {}, MATCH_OPTIONS);
  } catch (err) {
    throw new MongoCommandError(ErrorCodes.BadValue, (err as Error).message.replace(/^.*?(unknown operator)/i, '$1'));
  }
}

/**
 * Compiles a filter, turning mingo's parse errors into MongoDB's BadValue. Simple filters get the
 * fast path of fast-filter.ts (mingo is compiled only if a document holds an array on a filtered path).
 */
export function compileFilter(filter: Doc | undefined): Matcher {
  const fast = fastFilter(filter);
  if (!fast) return mingoQuery(filter);
  let slow: Query | undefined;
  return {
    test: (doc) => {
      const verdict = fast(doc);
      return verdict === ASK ? (slow ??= mingoQuery(filter)).test(doc) : verdict;
    },
  };
}
