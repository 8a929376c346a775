// The individual update operators. Each is parsed once (argument validation
// happens before any document is touched, as in MongoDB) into a leaf function
// that computes the new value of one concrete field.
import { Decimal128, Long, Timestamp } from 'bson';
import { ErrorCodes, fail } from './errors.js';
import { compareBySortSpec, compareValues, isNumeric, toNumber, valuesEqual } from './values.js';
import {
  bsonTypeName,
  cloneValue,
  formatElement,
  formatValue,
  idForMessage,
  isDocument,
  type LeafResult,
} from './update-paths.js';
import { isValueOperatorObject, queryMatcher, wrappedMatcher } from './update-positional.js';

type Obj = Record<string, unknown>;

export interface OpEnv {
  /** The document being updated (for _id in messages). */
  doc: Obj;
  isInsert: boolean;
  now: Date;
}

export interface ParsedOp {
  /** Whether missing parents are created (false: missing path is a no-op). */
  create: boolean;
  leaf(current: unknown, exists: boolean, fieldName: string, env: OpEnv): LeafResult;
}

type Parser = (field: string, arg: unknown) => ParsedOp;

const isIntegral = (v: unknown): boolean => isNumeric(v) && Number.isInteger(toNumber(v));

function isLongLike(v: unknown): boolean {
  return v instanceof Long || typeof v === 'bigint';
}

/** $inc/$mul keeping MongoDB's type promotion: int op int stays integral, Long stays Long, Decimal128 wins. */
function arithmetic(op: 'inc' | 'mul', a: unknown, b: unknown): unknown {
  const x = toNumber(a);
  const y = toNumber(b);
  const num = op === 'inc' ? x + y : x * y;
  if (a instanceof Decimal128 || b instanceof Decimal128) return Decimal128.fromString(String(num));
  if ((isLongLike(a) || isLongLike(b)) && isIntegral(a) && isIntegral(b)) {
    const la = Long.fromBigInt(BigInt(typeof a === 'bigint' ? a : a instanceof Long ? a.toBigInt() : Math.trunc(x)));
    const lb = Long.fromBigInt(BigInt(typeof b === 'bigint' ? b : b instanceof Long ? b.toBigInt() : Math.trunc(y)));
    return op === 'inc' ? la.add(lb) : la.multiply(lb);
  }
  return num;
}

function arithmeticOp(op: 'inc' | 'mul'): Parser {
  const name = '$' + op;
  return (field, arg) => {
    if (!isNumeric(arg)) {
      const verb = op === 'inc' ? 'increment' : 'multiply';
      fail(ErrorCodes.TypeMismatch, `Cannot ${verb} with non-numeric argument: {${formatElement(field, arg)}}`);
    }
    return {
      create: true,
      leaf(current, exists, fieldName, env) {
        if (!exists) {
          if (op === 'inc') return { value: cloneValue(arg) };
          // $mul on a missing field stores zero of the multiplier's type.
          return { value: arg instanceof Long ? Long.ZERO : arg instanceof Decimal128 ? Decimal128.fromString('0') : 0 };
        }
        if (!isNumeric(current)) {
          fail(
            ErrorCodes.TypeMismatch,
            `Cannot apply ${name} to a value of non-numeric type. ${idForMessage(env.doc)} has the field '${fieldName}' of non-numeric type ${bsonTypeName(current)}`,
          );
        }
        return { value: arithmetic(op, current, arg) };
      },
    };
  };
}

function minMaxOp(sign: -1 | 1): Parser {
  return (_field, arg) => ({
    create: true,
    leaf(current, exists) {
      if (!exists || compareValues(arg, current) * sign > 0) return { value: cloneValue(arg) };
      return undefined;
    },
  });
}

function currentDate(field: string, arg: unknown): ParsedOp {
  let type: 'date' | 'timestamp' = 'date';
  if (isDocument(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1 || keys[0] !== '$type' || (arg.$type !== 'date' && arg.$type !== 'timestamp')) {
      fail(ErrorCodes.BadValue, "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}");
    }
    type = arg.$type as 'date' | 'timestamp';
  } else if (typeof arg !== 'boolean') {
    fail(
      ErrorCodes.BadValue,
      `${formatElement(field, arg)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    );
  }
  return {
    create: true,
    leaf(_c, _e, _f, env) {
      const ms = env.now.getTime();
      return { value: type === 'date' ? new Date(ms) : new Timestamp({ t: Math.floor(ms / 1000), i: 1 }) };
    },
  };
}

function mustBeArray(current: unknown, exists: boolean, message: () => string, code: number = ErrorCodes.BadValue): unknown[] | undefined {
  if (!exists) return undefined;
  if (!Array.isArray(current)) fail(code, message());
  return current;
}

function pushError(fieldName: string, current: unknown, env: OpEnv): string {
  const id = env.doc._id === undefined ? 'no id' : formatElement('_id', env.doc._id);
  return `The field '${fieldName}' must be an array but is of type ${bsonTypeName(current)} in document {${id}}`;
}

function integerClause(arg: Obj, clause: string): number | undefined {
  if (!(clause in arg)) return undefined;
  const v = arg[clause];
  if (!isIntegral(v)) {
    const what = clause === '$slice' ? 'must be an integer value but was given type' : 'must be an integer value, not of type';
    fail(ErrorCodes.BadValue, `The value for ${clause} ${what}: ${bsonTypeName(v)}`);
  }
  return toNumber(v);
}

function sortComparator(spec: unknown): (a: unknown, b: unknown) => number {
  const bad = (): never =>
    fail(ErrorCodes.BadValue, 'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
  if (isNumeric(spec)) {
    const dir = toNumber(spec);
    if (dir !== 1 && dir !== -1) bad();
    return (a, b) => compareValues(a, b) * dir;
  }
  if (!isDocument(spec) || Object.keys(spec).length === 0) return bad();
  const fields: Array<[string, 1 | -1]> = Object.entries(spec).map(([k, v]) => {
    const dir = isNumeric(v) ? toNumber(v) : NaN;
    if ((dir !== 1 && dir !== -1) || k === '' || k.startsWith('$')) bad();
    return [k, dir as 1 | -1];
  });
  return compareBySortSpec(fields);
}

function push(_field: string, arg: unknown): ParsedOp {
  let each: unknown[] = [arg];
  let position: number | undefined;
  let slice: number | undefined;
  let sort: ((a: unknown, b: unknown) => number) | undefined;
  if (isDocument(arg) && '$each' in arg) {
    for (const k of Object.keys(arg)) {
      if (!['$each', '$slice', '$sort', '$position'].includes(k)) fail(ErrorCodes.BadValue, `Unrecognized clause in $push: ${k}`);
    }
    if (!Array.isArray(arg.$each)) {
      fail(ErrorCodes.BadValue, `The argument to $each in $push must be an array but it was of type: ${bsonTypeName(arg.$each)}`);
    }
    each = arg.$each;
    slice = integerClause(arg, '$slice');
    position = integerClause(arg, '$position');
    if ('$sort' in arg) sort = sortComparator(arg.$sort);
  }
  return {
    create: true,
    leaf(current, exists, fieldName, env) {
      const arr = [...(mustBeArray(current, exists, () => pushError(fieldName, current, env)) ?? [])];
      let at = arr.length;
      if (position !== undefined) at = position >= 0 ? Math.min(position, arr.length) : Math.max(0, arr.length + position);
      let out = [...arr.slice(0, at), ...each.map(cloneValue), ...arr.slice(at)];
      if (sort) out.sort(sort);
      if (slice !== undefined) out = slice >= 0 ? out.slice(0, slice) : out.slice(Math.max(0, out.length + slice));
      return { value: out };
    },
  };
}

function addToSet(_field: string, arg: unknown): ParsedOp {
  let each: unknown[] = [arg];
  if (isDocument(arg) && Object.keys(arg)[0] === '$each') {
    if (Object.keys(arg).length > 1) fail(ErrorCodes.BadValue, `Found unexpected fields after $each in $addToSet: ${formatValue(arg)}`);
    if (!Array.isArray(arg.$each)) {
      fail(ErrorCodes.BadValue, `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(arg.$each)}`);
    }
    each = arg.$each;
  }
  return {
    create: true,
    leaf(current, exists, fieldName) {
      const msg = () => `Cannot apply $addToSet to non-array field. Field named '${fieldName}' has non-array type ${bsonTypeName(current)}`;
      const arr = mustBeArray(current, exists, msg);
      const out = [...(arr ?? [])];
      for (const v of each) if (!out.some((x) => valuesEqual(x, v))) out.push(cloneValue(v));
      return arr && out.length === arr.length ? undefined : { value: out };
    },
  };
}

function pop(field: string, arg: unknown): ParsedOp {
  const dir = isNumeric(arg) ? toNumber(arg) : NaN;
  if (dir !== 1 && dir !== -1) fail(ErrorCodes.FailedToParse, `$pop expects 1 or -1, found: ${formatValue(arg)}`);
  return {
    create: false,
    leaf(current, exists) {
      const msg = () => `Path '${field}' contains an element of non-array type '${bsonTypeName(current)}'`;
      const arr = mustBeArray(current, exists, msg, ErrorCodes.TypeMismatch);
      if (!arr || arr.length === 0) return undefined;
      return { value: dir === 1 ? arr.slice(0, -1) : arr.slice(1) };
    },
  };
}

/** MongoDB's three $pull matchers: query on sub-documents, wrapped value condition, or equality. */
function pullMatcher(arg: unknown): (el: unknown) => boolean {
  if (isValueOperatorObject(arg) || arg instanceof RegExp) return wrappedMatcher('v', { v: arg });
  if (isDocument(arg)) {
    const match = queryMatcher(arg);
    return (el) => isDocument(el) && match(el);
  }
  return (el) => valuesEqual(el, arg);
}

function cull(name: string, matches: (el: unknown) => boolean): ParsedOp {
  return {
    create: false,
    leaf(current, exists) {
      const arr = mustBeArray(current, exists, () => `Cannot apply ${name} to a non-array value`);
      if (!arr) return undefined;
      const out = arr.filter((el) => !matches(el));
      return out.length === arr.length ? undefined : { value: out };
    },
  };
}

function pull(_field: string, arg: unknown): ParsedOp {
  return cull('$pull', pullMatcher(arg));
}

function pullAll(_field: string, arg: unknown): ParsedOp {
  if (!Array.isArray(arg)) fail(ErrorCodes.BadValue, `$pullAll requires an array argument but was given a ${bsonTypeName(arg)}`);
  return cull('$pullAll', (el) => arg.some((v) => valuesEqual(el, v)));
}

const set: Parser = (_field, arg) => ({ create: true, leaf: () => ({ value: cloneValue(arg) }) });

export const operatorParsers: Record<string, Parser> = {
  $set: set,
  $setOnInsert: (field, arg) => {
    const op = set(field, arg);
    return { create: true, leaf: (c, e, f, env) => (env.isInsert ? op.leaf(c, e, f, env) : undefined) };
  },
  $unset: () => ({ create: false, leaf: () => 'unset' }),
  $inc: arithmeticOp('inc'),
  $mul: arithmeticOp('mul'),
  $min: minMaxOp(-1),
  $max: minMaxOp(1),
  $currentDate: currentDate,
  $push: push,
  $addToSet: addToSet,
  $pop: pop,
  $pull: pull,
  $pullAll: pullAll,
};
