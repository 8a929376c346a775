// Update classification, positional operators, conflicts, pipelines,
// replacements, upsert seeds and non-mutation (operators: update-operators.test.ts).
import { describe, it, expect } from '@jest/globals';
import { Long, ObjectId } from 'bson';
import {
  applyReplacement,
  applyUpdate,
  classifyUpdate,
  documentsEqual,
  upsertSeed,
  type Doc,
} from '../../../../../src/storage/embedded/engine/update.js';
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

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

describe('classifyUpdate', () => {
  it('tells operators, pipelines and replacements apart', () => {
    expect(classifyUpdate({ $set: { a: 1 }, $inc: { b: 1 } })).toBe('operators');
    expect(classifyUpdate([{ $set: { a: 1 } }])).toBe('pipeline');
    expect(classifyUpdate([])).toBe('pipeline');
    expect(classifyUpdate({ a: 1 })).toBe('replacement');
    expect(classifyUpdate({})).toBe('replacement');
  });

  it('rejects unknown modifiers and plain fields in operator documents (9)', () => {
    const msg = (m: string) => `Unknown modifier: ${m}. Expected a valid update modifier or pipeline-style update specified as an array`;
    expectError(() => classifyUpdate({ $foo: { a: 1 } }), 9, msg('$foo'));
    expectError(() => classifyUpdate({ $set: { a: 1 }, b: 1 }), 9, msg('b'));
    expectError(() => applyUpdate({ _id: 1 }, { $set: { a: 1 }, b: 1 }), 9, msg('b'));
  });

  it('rejects non-document operands (9), non-documents (14) and disallowed stages (72)', () => {
    expectError(() => classifyUpdate({ $set: 5 }), 9);
    expectError(() => classifyUpdate(5), 14);
    expectError(() => classifyUpdate([{ $match: { a: 1 } }]), 72, '$match is not allowed to be used within an update');
  });
});

describe('conflicts and _id immutability', () => {
  it('rejects two updates of the same or an overlapping path (40)', () => {
    expectError(() => applyUpdate({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }), 40, "Updating the path 'a' would create a conflict at 'a'");
    expectError(() => applyUpdate({ _id: 1 }, { $set: { a: 1 }, $unset: { 'a.b': 1 } }), 40, "Updating the path 'a.b' would create a conflict at 'a'");
    expectError(() => applyUpdate({ _id: 1 }, { $set: { 'a.b': 1, a: 2 } }), 40, "Updating the path 'a' would create a conflict at 'a'");
    expectError(() => applyUpdate({ _id: 1, a: 1 }, { $rename: { a: 'b' }, $set: { b: 1 } }), 40);
  });

  it('detects conflicts created by positional expansion', () => {
    expectError(() => applyUpdate({ _id: 1, a: [1, 2] }, { $set: { 'a.$[]': 0, 'a.1': 5 } }), 40, "Update created a conflict at 'a.1'");
  });

  it('rejects changing or removing _id (66) but allows setting the same value', () => {
    const msg = (p: string) => `Performing an update on the path '${p}' would modify the immutable field '_id'`;
    expectError(() => applyUpdate({ _id: 1, a: 1 }, { $set: { _id: 2 } }), 66, msg('_id'));
    expectError(() => applyUpdate({ _id: 1 }, { $unset: { _id: 1 } }), 66, msg('_id'));
    expectError(() => applyUpdate({ _id: { x: 1 } }, { $set: { '_id.x': 2 } }), 66, msg('_id.x'));
    const id = new ObjectId();
    expect(applyUpdate({ _id: id, a: 1 }, { $set: { _id: new ObjectId(id.toHexString()), a: 2 } })).toStrictEqual({ _id: id, a: 2 });
  });
});

describe('positional $', () => {
  const doc = { _id: 1, items: [{ id: 1, q: 1 }, { id: 2, q: 2 }, { id: 3, q: 3 }], tags: ['a', 'b', 'c'] };

  it('updates the first element matched by the query', () => {
    expect(applyUpdate(doc, { $set: { 'items.$.q': 20 }, $inc: { n: 1 } }, { query: { _id: 1, 'items.id': 2 } })).toStrictEqual({
      ...doc,
      items: [{ id: 1, q: 1 }, { id: 2, q: 20 }, { id: 3, q: 3 }],
      n: 1,
    });
    expect(applyUpdate(doc, { $set: { 'tags.$': 'B' } }, { query: { tags: 'b' } })).toStrictEqual({ ...doc, tags: ['a', 'B', 'c'] });
  });

  it('uses $elemMatch, operators and $and conditions', () => {
    const expected = { ...doc, items: [{ id: 1, q: 1 }, { id: 2, q: 2 }, { id: 3, q: 0 }] };
    expect(applyUpdate(doc, { $set: { 'items.$.q': 0 } }, { query: { items: { $elemMatch: { id: { $gt: 1 }, q: 3 } } } })).toStrictEqual(expected);
    expect(applyUpdate(doc, { $set: { 'items.$.q': 0 } }, { query: { $and: [{ 'items.q': { $gte: 3 } }] } })).toStrictEqual(expected);
    expect(applyUpdate(doc, { $unset: { 'tags.$': 1 } }, { query: { tags: { $in: ['c', 'z'] } } })).toStrictEqual({ ...doc, tags: ['a', 'b', null] });
  });

  it('fails when the query does not pin an element (2)', () => {
    const msg = 'The positional operator did not find the match needed from the query.';
    expectError(() => applyUpdate(doc, { $set: { 'items.$.q': 0 } }, { query: { _id: 1 } }), 2, msg);
    expectError(() => applyUpdate(doc, { $set: { 'items.$.q': 0 } }), 2, msg);
    expectError(() => applyUpdate(doc, { $set: { 'missing.$': 0 } }, { query: { 'missing.x': 1 } }), 2, msg);
    expectError(() => applyUpdate(doc, { $set: { 'items.$.a.$': 0 } }), 2, "Too many positional (i.e. '$') elements found in path 'items.$.a.$'");
  });
});

describe('$[] and $[identifier]', () => {
  const doc = { _id: 1, grades: [80, 95, 100], students: [{ name: 'a', marks: [1, 9] }, { name: 'b', marks: [7, 3] }] };

  it('$[] updates every element', () => {
    expect(applyUpdate(doc, { $inc: { 'grades.$[]': 1 }, $set: { 'students.$[].ok': true } })).toStrictEqual({
      ...doc,
      grades: [81, 96, 101],
      students: [
        { name: 'a', marks: [1, 9], ok: true },
        { name: 'b', marks: [7, 3], ok: true },
      ],
    });
  });

  it('$[id] updates the elements matched by arrayFilters, including nested identifiers', () => {
    expect(applyUpdate(doc, { $set: { 'grades.$[g]': 0 } }, { arrayFilters: [{ g: { $gte: 95 } }] })).toStrictEqual({ ...doc, grades: [80, 0, 0] });
    const out = applyUpdate(doc, { $mul: { 'students.$[s].marks.$[m]': 10 } }, { arrayFilters: [{ 's.name': 'b' }, { m: { $lt: 5 } }] });
    expect(out.students).toStrictEqual([
      { name: 'a', marks: [1, 9] },
      { name: 'b', marks: [7, 30] },
    ]);
  });

  it('validates identifiers and array targets', () => {
    expectError(
      () => applyUpdate(doc, { $set: { 'grades.$[x]': 0 } }, { arrayFilters: [] }),
      2,
      "No array filter found for identifier 'x' in path 'grades.$[x]'",
    );
    expectError(
      () => applyUpdate(doc, { $set: { 'grades.$[]': 0 } }, { arrayFilters: [{ y: 1 }] }),
      9,
      "The array filter for identifier 'y' was not used in the update { $set: { grades.$[]: 0 } }",
    );
    expectError(() => applyUpdate(doc, { $set: { 'nope.$[]': 0 } }), 2, "The path 'nope' must exist in the document in order to apply array updates.");
    expectError(() => applyUpdate({ _id: 1, a: 5 }, { $set: { 'a.$[]': 0 } }), 2, 'Cannot apply array updates to non-array element a: 5');
    expectError(() => applyUpdate(doc, { $set: { 'grades.$[X]': 0 } }, { arrayFilters: [{ X: 1 }] }), 2);
  });
});

describe('pipeline updates', () => {
  const doc = { _id: 1, a: 2, b: { c: 3 }, drop: true };

  it('runs $set/$addFields/$unset with expressions', () => {
    const out = applyUpdate(doc, [{ $set: { sum: { $add: ['$a', '$b.c'] } } }, { $addFields: { copy: '$a' } }, { $unset: ['drop', 'b'] }]);
    expect(out).toStrictEqual({ _id: 1, a: 2, sum: 5, copy: 2 });
  });

  it('keeps _id first after $project and restores it after $replaceWith', () => {
    const projected = applyUpdate(doc, [{ $project: { a: 1 } }]);
    expect(projected).toStrictEqual({ _id: 1, a: 2 });
    expect(Object.keys(projected)).toEqual(['_id', 'a']);
    expect(applyUpdate(doc, [{ $replaceWith: '$b' }])).toStrictEqual({ _id: 1, c: 3 });
    expect(applyUpdate(doc, [{ $replaceRoot: { newRoot: { x: '$a' } } }])).toStrictEqual({ _id: 1, x: 2 });
  });

  it('pins $$NOW to ctx.now', () => {
    const now = new Date('2023-05-06T07:08:09.000Z');
    expect(applyUpdate(doc, [{ $set: { at: '$$NOW' } }], { now })).toStrictEqual({ ...doc, at: now });
  });

  it('rejects _id changes (66), arrayFilters and disallowed stages', () => {
    expectError(
      () => applyUpdate(doc, [{ $set: { _id: 9 } }]),
      66,
      "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 9",
    );
    expectError(() => applyUpdate(doc, [{ $set: { a: 1 } }], { arrayFilters: [{ x: 1 }] }), 9);
    expectError(() => applyUpdate(doc, [{ $group: { _id: null } }]), 72);
  });
});

describe('applyReplacement', () => {
  it('keeps the original _id first', () => {
    const out = applyReplacement({ _id: 7, a: 1, b: 2 }, { c: 3, _id: 7 });
    expect(out).toStrictEqual({ _id: 7, c: 3 });
    expect(Object.keys(out)).toEqual(['_id', 'c']);
    expect(applyReplacement({ _id: 7, a: 1 }, { z: [1] })).toStrictEqual({ _id: 7, z: [1] });
    expect(applyReplacement({}, { a: 1, _id: 3 })).toStrictEqual({ _id: 3, a: 1 });
  });

  it('rejects a different _id (66) and $-prefixed fields (52)', () => {
    expectError(
      () => applyReplacement({ _id: 7 }, { _id: 8, a: 1 }),
      66,
      "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 8",
    );
    expectError(() => applyReplacement({ _id: 7 }, { a: 1, $set: { b: 1 } }), 52);
  });

  it('is used by applyUpdate for replacement documents', () => {
    expect(applyUpdate({ _id: 1, a: 1 }, { b: 2 })).toStrictEqual({ _id: 1, b: 2 });
  });
});

describe('upsertSeed', () => {
  it('takes plain, $eq and $and equalities, expanding dotted paths', () => {
    const seed = upsertSeed({ name: 'x', 'a.b': 1, 'a.c': { $eq: 2 }, $and: [{ k: 3 }, { n: { $eq: null } }], _id: 5 });
    expect(seed).toStrictEqual({ _id: 5, name: 'x', a: { b: 1, c: 2 }, k: 3, n: null });
    expect(Object.keys(seed)[0]).toBe('_id');
  });

  it('ignores non-equality predicates, $or and regular expressions', () => {
    expect(upsertSeed({ a: { $gt: 1 }, b: { $in: [1, 2] }, $or: [{ c: 1 }], d: /x/, e: { sub: 1 } })).toStrictEqual({ e: { sub: 1 } });
  });

  it('rejects the same path matched twice (54)', () => {
    expectError(() => upsertSeed({ a: 1, $and: [{ a: 2 }] }), 54, "cannot infer query fields to set, path 'a' is matched twice");
    expectError(() => upsertSeed({ a: { b: 1 }, 'a.b': 1 }), 54);
  });

  it('feeds an insert that applies $setOnInsert', () => {
    const seed = upsertSeed({ key: 'k', 'meta.v': 1 });
    expect(applyUpdate(seed, { $set: { x: 1 }, $setOnInsert: { created: true } }, { isInsert: true })).toStrictEqual({
      key: 'k',
      meta: { v: 1 },
      created: true,
      x: 1,
    });
  });
});

describe('documentsEqual', () => {
  it('compares field by field, in order and by type', () => {
    expect(documentsEqual({ _id: 1, a: { b: [1, 'x'] } }, { _id: 1, a: { b: [1, 'x'] } })).toBe(true);
    expect(documentsEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(documentsEqual({ a: 1 }, { a: Long.fromNumber(1) })).toBe(false);
    expect(documentsEqual({ a: new Date(1) }, { a: new Date(1) })).toBe(true);
    expect(documentsEqual({ a: [1] }, { a: [1, 2] })).toBe(false);
  });
});

describe('purity', () => {
  it('never mutates the input document or the update', () => {
    const doc = deepFreeze({ _id: 1, n: 1, arr: [3, 1, 2], sub: { x: [{ k: 1 }, { k: 2 }] }, old: 'o' });
    const update = deepFreeze({
      $inc: { n: 1 },
      $push: { arr: { $each: [0], $sort: 1 } },
      $set: { 'sub.x.$[e].k': 9, 'sub.y': [1] },
      $rename: { old: 'renamed' },
    });
    const out = applyUpdate(doc as Doc, update as Doc, { arrayFilters: [{ 'e.k': 2 }] });
    expect(out).toStrictEqual({ _id: 1, n: 2, arr: [0, 1, 2, 3], sub: { x: [{ k: 1 }, { k: 9 }], y: [1] }, renamed: 'o' });
    expect(out.sub).not.toBe(doc.sub);
    (out.sub as { y: number[] }).y.push(2);
    expect(update.$set['sub.y']).toEqual([1]);
    expect(applyUpdate(doc as Doc, [{ $set: { n: 5 } }])).toStrictEqual({ ...doc, n: 5 });
    expect(applyReplacement(doc as Doc, deepFreeze({ a: [1] }))).toStrictEqual({ _id: 1, a: [1] });
  });

  it('treats __proto__ and constructor as ordinary field names', () => {
    const out = applyUpdate({ _id: 1 }, { $set: { '__proto__.x': 1 }, $rename: { constructor: 'c' } });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['_id', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toStrictEqual({ x: 1 });
    expect(({} as Doc).x).toBeUndefined();
  });
});
