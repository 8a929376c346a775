// Field-level update operators ($set … $pullAll) against MongoDB 7 behaviour.
import { describe, it, expect } from '@jest/globals';
import { Long, Timestamp } from 'bson';
import { applyUpdate, type Doc } from '../../../../../src/storage/embedded/engine/update.js';
import { MongoCommandError } from '../../../../../src/storage/embedded/engine/errors.js';

function expectError(fn: () => unknown, code: number, message?: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MongoCommandError);
  expect((err as MongoCommandError).code).toBe(code);
  if (message !== undefined) expect((err as MongoCommandError).message).toBe(message);
}

const up = (doc: Doc, update: Doc): Doc => applyUpdate(doc, update);

describe('$set', () => {
  it('replaces existing fields in place and appends new ones', () => {
    const out = up({ _id: 1, a: 1, b: 2 }, { $set: { a: 10, c: 3 } });
    expect(out).toStrictEqual({ _id: 1, a: 10, b: 2, c: 3 });
    expect(Object.keys(out)).toEqual(['_id', 'a', 'b', 'c']);
  });

  it('applies fields in lexicographic order like MongoDB 5+', () => {
    expect(Object.keys(up({ _id: 1 }, { $set: { b: 1, a: 1 }, $inc: { c: 1 } }))).toEqual(['_id', 'a', 'b', 'c']);
  });

  it('creates intermediate documents for dotted paths', () => {
    expect(up({ _id: 1, a: { x: 1 } }, { $set: { 'a.b.c': 2, 'd.e': 3 } })).toStrictEqual({ _id: 1, a: { x: 1, b: { c: 2 } }, d: { e: 3 } });
  });

  it('indexes into arrays, padding with null past the end', () => {
    expect(up({ _id: 1, a: [1, 2] }, { $set: { 'a.1': 9, 'a.4': 5 } })).toStrictEqual({ _id: 1, a: [1, 9, null, null, 5] });
    expect(up({ _id: 1, a: [{ b: 1 }] }, { $set: { 'a.0.b': 2, 'a.2.c': 3 } })).toStrictEqual({ _id: 1, a: [{ b: 2 }, null, { c: 3 }] });
  });

  it('creates an object (not an array) for a numeric part under a missing field', () => {
    expect(up({ _id: 1 }, { $set: { 'a.0': 'x' } })).toStrictEqual({ _id: 1, a: { '0': 'x' } });
  });

  it('rejects paths through scalars, null and non-numeric array parts (28)', () => {
    expectError(() => up({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: 5}");
    expectError(() => up({ _id: 1, a: null }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: null}");
    expectError(() => up({ _id: 1, a: [1, 2] }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: [ 1, 2 ]}");
  });

  it('accepts an empty operand and copies values out of the update', () => {
    expect(up({ _id: 1, a: 1 }, { $set: {} })).toStrictEqual({ _id: 1, a: 1 });
    const value = { deep: [1] };
    const out = up({ _id: 1 }, { $set: { v: value } });
    value.deep.push(2);
    expect(out).toStrictEqual({ _id: 1, v: { deep: [1] } });
  });

  it('rejects empty path components (56)', () => {
    expectError(() => up({ _id: 1 }, { $set: { 'a..b': 1 } }), 56, "The update path 'a..b' contains an empty field name, which is not allowed.");
  });
});

describe('$unset', () => {
  it('removes fields, nulls array elements and ignores missing paths', () => {
    const doc = { _id: 1, a: 1, b: { c: 1, d: 2 }, arr: [1, 2, 3], s: 5 };
    expect(up(doc, { $unset: { a: '', 'b.c': 1, 'arr.1': true, missing: 1, 's.x': 1, 'q.r': 1 } })).toStrictEqual({
      _id: 1,
      b: { d: 2 },
      arr: [1, null, 3],
      s: 5,
    });
  });
});

describe('$inc and $mul', () => {
  it('increments existing and missing fields, keeping integers integral', () => {
    const out = up({ _id: 1, n: 1, m: { k: 2 } }, { $inc: { n: 2, 'm.k': -2, fresh: 5, f: 0.5 } });
    expect(out).toStrictEqual({ _id: 1, n: 3, m: { k: 0 }, f: 0.5, fresh: 5 });
    expect(Number.isInteger(out.n)).toBe(true);
  });

  it('keeps Long values Long', () => {
    const out = up({ _id: 1, n: Long.fromNumber(5) }, { $inc: { n: 2 }, $mul: { m: Long.fromNumber(3) } });
    expect(out.n).toBeInstanceOf(Long);
    expect((out.n as Long).toNumber()).toBe(7);
    expect(out.m).toBeInstanceOf(Long);
    expect((out.m as Long).toNumber()).toBe(0);
  });

  it('multiplies, and sets a missing field to 0', () => {
    expect(up({ _id: 1, p: 2.5 }, { $mul: { p: 4, q: 7 } })).toStrictEqual({ _id: 1, p: 10, q: 0 });
  });

  it('rejects non-numeric targets with TypeMismatch (14)', () => {
    expectError(
      () => up({ _id: 1, n: 'x' }, { $inc: { n: 1 } }),
      14,
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'n' of non-numeric type string",
    );
    expectError(
      () => up({ _id: 'k', a: { n: null } }, { $mul: { 'a.n': 2 } }),
      14,
      'Cannot apply $mul to a value of non-numeric type. {_id: "k"} has the field \'n\' of non-numeric type null',
    );
  });

  it('rejects non-numeric arguments (14)', () => {
    expectError(() => up({ _id: 1 }, { $inc: { n: 'x' } }), 14, 'Cannot increment with non-numeric argument: {n: "x"}');
    expectError(() => up({ _id: 1 }, { $mul: { n: true } }), 14, 'Cannot multiply with non-numeric argument: {n: true}');
  });
});

describe('$min and $max', () => {
  it('set only when the new value is lower / higher, or the field is missing', () => {
    const doc = { _id: 1, lo: 5, hi: 5, d: new Date(1000) };
    expect(up(doc, { $min: { lo: 3, hi: 9, m: 1 }, $max: { d: new Date(2000) } })).toStrictEqual({
      _id: 1,
      lo: 3,
      hi: 5,
      d: new Date(2000),
      m: 1,
    });
    expect(up(doc, { $max: { lo: 3, hi: 9 } })).toStrictEqual({ _id: 1, lo: 5, hi: 9, d: new Date(1000) });
  });

  it('compares across types in BSON order (null < numbers < strings)', () => {
    expect(up({ _id: 1, a: 'x', b: null }, { $min: { a: 1 }, $max: { b: 0 } })).toStrictEqual({ _id: 1, a: 1, b: 0 });
  });
});

describe('$rename', () => {
  it('moves a field to the end (targets in field-name order), including into nested documents', () => {
    const out = up({ _id: 1, a: 1, b: 2, n: { x: 1 } }, { $rename: { a: 'z', 'n.x': 'm.y' } });
    expect(out).toStrictEqual({ _id: 1, b: 2, n: {}, m: { y: 1 }, z: 1 });
    expect(Object.keys(out)).toEqual(['_id', 'b', 'n', 'm', 'z']);
  });

  it('overwrites an existing target and ignores a missing source', () => {
    expect(up({ _id: 1, a: 1, b: 2 }, { $rename: { b: 'a', nope: 'c' } })).toStrictEqual({ _id: 1, a: 2 });
  });

  it('rejects identical, overlapping, non-string and array paths (2)', () => {
    expectError(() => up({ _id: 1, a: 1 }, { $rename: { a: 'a' } }), 2, 'The source and target field for $rename must differ: a: "a"');
    expectError(() => up({ _id: 1, a: 1 }, { $rename: { a: 'a.b' } }), 2, 'The source and target field for $rename must not be on the same path: a: "a.b"');
    expectError(() => up({ _id: 1, a: 1 }, { $rename: { a: 5 } }), 2, "The 'to' field for $rename must be a string: a: 5");
    expectError(
      () => up({ _id: 1, a: [{ b: 1 }] }, { $rename: { 'a.0.b': 'c' } }),
      2,
      "The source field cannot be an array element, 'a.0.b' in doc with _id: 1 has an array field called 'a'",
    );
    expectError(
      () => up({ _id: 1, a: 1, c: [] }, { $rename: { a: 'c.d' } }),
      2,
      "The destination field cannot be an array element, 'c.d' in doc with _id: 1 has an array field called 'c'",
    );
  });
});

describe('$setOnInsert and $currentDate', () => {
  it('$setOnInsert applies only when inserting', () => {
    const update = { $set: { a: 1 }, $setOnInsert: { created: 'now' } };
    expect(applyUpdate({ _id: 1 }, update)).toStrictEqual({ _id: 1, a: 1 });
    expect(applyUpdate({ _id: 1 }, update, { isInsert: true })).toStrictEqual({ _id: 1, a: 1, created: 'now' });
  });

  it('moves an _id created on insert to the front', () => {
    expect(Object.keys(applyUpdate({ a: 1 }, { $setOnInsert: { _id: 7 } }, { isInsert: true }))).toEqual(['_id', 'a']);
  });

  it('$currentDate sets dates and timestamps from ctx.now', () => {
    const now = new Date('2024-01-02T03:04:05.000Z');
    const out = applyUpdate({ _id: 1 }, { $currentDate: { a: true, b: { $type: 'date' }, c: { $type: 'timestamp' } } }, { now });
    expect(out).toStrictEqual({ _id: 1, a: now, b: now, c: new Timestamp({ t: now.getTime() / 1000, i: 1 }) });
    expectError(() => up({ _id: 1 }, { $currentDate: { a: { $type: 'int' } } }), 2);
    expectError(() => up({ _id: 1 }, { $currentDate: { a: 1 } }), 2);
  });
});

describe('$push', () => {
  it('appends values (an array as one element) and creates missing arrays', () => {
    expect(up({ _id: 1, a: [1] }, { $push: { a: [2, 3], b: 'x' } })).toStrictEqual({ _id: 1, a: [1, [2, 3]], b: ['x'] });
  });

  it('supports $each with $position', () => {
    const doc = { _id: 1, a: [1, 2, 3] };
    expect(up(doc, { $push: { a: { $each: [8, 9], $position: 1 } } })).toStrictEqual({ _id: 1, a: [1, 8, 9, 2, 3] });
    expect(up(doc, { $push: { a: { $each: [8], $position: -1 } } })).toStrictEqual({ _id: 1, a: [1, 2, 8, 3] });
    expect(up(doc, { $push: { a: { $each: [8], $position: 99 } } })).toStrictEqual({ _id: 1, a: [1, 2, 3, 8] });
  });

  it('supports $slice and $sort (whole elements and by field)', () => {
    const doc = { _id: 1, a: [5, 1], s: [{ k: 2 }, { k: 9 }] };
    expect(up(doc, { $push: { a: { $each: [3], $sort: 1, $slice: 2 } } })).toStrictEqual({ ...doc, a: [1, 3] });
    expect(up(doc, { $push: { a: { $each: [3], $sort: -1, $slice: -2 } } })).toStrictEqual({ ...doc, a: [3, 1] });
    expect(up(doc, { $push: { a: { $each: [], $slice: 0 } } })).toStrictEqual({ ...doc, a: [] });
    expect(up(doc, { $push: { s: { $each: [{ k: 5 }], $sort: { k: -1 }, $slice: 2 } } })).toStrictEqual({ ...doc, s: [{ k: 9 }, { k: 5 }] });
  });

  it('rejects non-array fields and bad modifiers (2)', () => {
    expectError(() => up({ _id: 1, x: 'str' }, { $push: { x: 1 } }), 2, "The field 'x' must be an array but is of type string in document {_id: 1}");
    expectError(() => up({ _id: 1 }, { $push: { x: { $each: 1 } } }), 2, 'The argument to $each in $push must be an array but it was of type: int');
    expectError(() => up({ _id: 1 }, { $push: { x: { $each: [], $foo: 1 } } }), 2, 'Unrecognized clause in $push: $foo');
    expectError(() => up({ _id: 1 }, { $push: { x: { $each: [], $slice: 1.5 } } }), 2);
    expectError(() => up({ _id: 1 }, { $push: { x: { $each: [], $sort: 2 } } }), 2);
  });
});

describe('$addToSet', () => {
  it('adds only values not already present (BSON equality)', () => {
    const doc = { _id: 1, a: [1, { x: 1, y: 2 }] };
    expect(up(doc, { $addToSet: { a: 1 } })).toStrictEqual(doc);
    expect(up(doc, { $addToSet: { a: { y: 2, x: 1 } } })).toStrictEqual({ _id: 1, a: [1, { x: 1, y: 2 }, { y: 2, x: 1 }] });
    expect(up(doc, { $addToSet: { a: { $each: [1, 2, 2, 3] }, b: { $each: ['p', 'p'] } } })).toStrictEqual({
      _id: 1,
      a: [1, { x: 1, y: 2 }, 2, 3],
      b: ['p'],
    });
  });

  it('rejects non-array fields (2)', () => {
    expectError(
      () => up({ _id: 1, a: 5 }, { $addToSet: { a: 1 } }),
      2,
      "Cannot apply $addToSet to non-array field. Field named 'a' has non-array type int",
    );
  });
});

describe('$pop', () => {
  it('removes the last (1) or first (-1) element; no-op when missing or empty', () => {
    expect(up({ _id: 1, a: [1, 2, 3], b: [1, 2, 3], e: [] }, { $pop: { a: 1, b: -1, e: 1, m: 1 } })).toStrictEqual({
      _id: 1,
      a: [1, 2],
      b: [2, 3],
      e: [],
    });
  });

  it('rejects non-arrays (14) and bad arguments (9)', () => {
    expectError(() => up({ _id: 1, a: 'x' }, { $pop: { a: 1 } }), 14, "Path 'a' contains an element of non-array type 'string'");
    expectError(() => up({ _id: 1, a: [] }, { $pop: { a: 2 } }), 9, '$pop expects 1 or -1, found: 2');
  });
});

describe('$pull and $pullAll', () => {
  it('removes equal values and values matching a condition', () => {
    const doc = { _id: 1, a: [1, 5, 7, 5, 'x'], t: ['a', 'b', 'c'] };
    expect(up(doc, { $pull: { a: 5 } })).toStrictEqual({ ...doc, a: [1, 7, 'x'] });
    expect(up(doc, { $pull: { a: { $gte: 5 }, t: { $in: ['a', 'c'] } } })).toStrictEqual({ _id: 1, a: [1, 'x'], t: ['b'] });
  });

  it('matches sub-documents as queries (partial match), ignoring scalar elements', () => {
    const doc = { _id: 1, items: [{ id: 1, q: 2 }, { id: 2, q: 9 }, 3, { id: 3, q: 1, extra: true }] };
    expect(up(doc, { $pull: { items: { q: { $lt: 5 } } } })).toStrictEqual({ _id: 1, items: [{ id: 2, q: 9 }, 3] });
    expect(up(doc, { $pull: { items: { id: 3 } } })).toStrictEqual({ _id: 1, items: [{ id: 1, q: 2 }, { id: 2, q: 9 }, 3] });
  });

  it('is a no-op on missing fields and rejects non-arrays (2)', () => {
    expect(up({ _id: 1 }, { $pull: { a: 1 }, $pullAll: { b: [1] } })).toStrictEqual({ _id: 1 });
    expectError(() => up({ _id: 1, a: {} }, { $pull: { a: 1 } }), 2, 'Cannot apply $pull to a non-array value');
  });

  it('$pullAll removes every listed value', () => {
    expect(up({ _id: 1, a: [1, 2, 3, 2, [1]] }, { $pullAll: { a: [2, [1], 9] } })).toStrictEqual({ _id: 1, a: [1, 3] });
    expectError(() => up({ _id: 1, a: [] }, { $pullAll: { a: 1 } }), 2, '$pullAll requires an array argument but was given a int');
  });
});
