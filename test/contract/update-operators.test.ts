// Parity: every update operator, array update forms, pipeline updates and the
// error codes MongoDB 7 raises for bad updates.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { MongoServerError, Timestamp, type Collection, type Document, type MongoClient, type UpdateOptions, type UpdateResult } from 'mongodb';
import { connectClient, rejection, startTestDatabase, type TestDatabase } from '../support/mongo.js';

let tdb: TestDatabase;
let client: MongoClient;
let ops: Collection<any>;
let nextId = 0;

beforeAll(async () => {
  tdb = await startTestDatabase('upd');
  client = await connectClient(tdb.uri);
  ops = client.db(tdb.dbName).collection('ops');
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

/** Inserts `doc` under a fresh _id, applies `update` to it, returns the result and the stored document (without _id). */
async function apply(
  doc: Document,
  update: Document | Document[],
  opts: { filter?: Document; options?: UpdateOptions } = {},
): Promise<{ result: UpdateResult; doc: Document; _id: number }> {
  const _id = ++nextId;
  await ops.insertOne({ _id, ...doc });
  const result = await ops.updateOne({ _id, ...(opts.filter ?? {}) }, update, opts.options);
  const { _id: _ignored, ...rest } = (await ops.findOne({ _id }))!;
  return { result, doc: rest, _id };
}
const after = async (doc: Document, update: Document | Document[], opts?: { filter?: Document; options?: UpdateOptions }) =>
  (await apply(doc, update, opts)).doc;

/** Applies an update expected to fail; checks the document was left untouched and returns the error. */
async function failing(doc: Document, update: Document | Document[], options?: UpdateOptions): Promise<any> {
  const _id = ++nextId;
  await ops.insertOne({ _id, ...doc });
  const err = await rejection(ops.updateOne({ _id }, update, options));
  expect(err).toBeInstanceOf(MongoServerError);
  expect(await ops.findOne({ _id })).toEqual({ _id, ...doc });
  return err;
}
const bsonType = async (_id: number, field: string): Promise<string | undefined> =>
  (await ops.aggregate([{ $match: { _id } }, { $project: { t: { $type: `$${field}` } } }]).toArray())[0]?.t;

describe('field operators', () => {
  it('$set replaces values, creates nested documents and pads arrays with null', async () => {
    expect(await after({ a: 1 }, { $set: { a: 2, 'b.c.d': 3 } })).toEqual({ a: 2, b: { c: { d: 3 } } });
    expect(await after({ arr: ['a', 'b', 'c'] }, { $set: { 'arr.1': 'y' } })).toEqual({ arr: ['a', 'y', 'c'] });
    expect(await after({ arr: ['a', 'b', 'c'] }, { $set: { 'arr.5': 'z' } })).toEqual({ arr: ['a', 'b', 'c', null, null, 'z'] });
    expect(await after({ o: { x: 1, y: 2 } }, { $set: { o: { z: 3 } } })).toEqual({ o: { z: 3 } });
    const same = await apply({ a: 1 }, { $set: { a: 1 } });
    expect(same.result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const empty = await apply({ a: 1 }, { $set: {} });
    expect(empty.result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('$set through a scalar fails with PathNotViable (28)', async () => {
    const err = await failing({ a: 5 }, { $set: { 'a.b': 1 } });
    expect(err.code).toBe(28);
  });

  it('$unset removes fields and nulls array elements', async () => {
    const r = await apply({ a: 1, b: { c: 1, d: 2 }, arr: [1, 2, 3] }, { $unset: { a: '', 'b.c': 1, 'arr.1': '', missing: '' } });
    expect(r.doc).toEqual({ b: { d: 2 }, arr: [1, null, 3] });
    expect(r.result.modifiedCount).toBe(1);
    expect((await apply({ a: 1 }, { $unset: { zz: '' } })).result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('$inc adds, creates missing fields and keeps numeric types', async () => {
    expect(await after({ n: 5, f: 1.5 }, { $inc: { n: 2, f: 1, 'new.x': 3, neg: -1 } })).toEqual({ n: 7, f: 2.5, new: { x: 3 }, neg: -1 });
    const i = await apply({ i: 5 }, { $inc: { i: 2 } });
    expect(await bsonType(i._id, 'i')).toBe('int');
    const d = await apply({ i: 5 }, { $inc: { i: 0.5 } });
    expect(d.doc).toEqual({ i: 5.5 });
    expect(await bsonType(d._id, 'i')).toBe('double');
    const big = await apply({ i: 2147483647 }, { $inc: { i: 1 } });
    expect(big.doc).toEqual({ i: 2147483648 });
    expect(await bsonType(big._id, 'i')).toBe('long');
  });

  it('$inc on a string fails with TypeMismatch (14)', async () => {
    const err = await failing({ n: 'five' }, { $inc: { n: 1 } });
    expect(err.code).toBe(14);
    expect((await failing({ n: 1 }, { $inc: { n: 'x' } })).code).toBe(14);
  });

  it('$mul multiplies and sets missing fields to zero', async () => {
    const r = await apply({ a: 3, b: 2.5 }, { $mul: { a: 4, b: 2, c: 7 } });
    expect(r.doc).toEqual({ a: 12, b: 5, c: 0 });
    const d = await apply({ a: 5 }, { $mul: { a: 2.5 } });
    expect(d.doc).toEqual({ a: 12.5 });
    expect(await bsonType(d._id, 'a')).toBe('double');
    expect((await failing({ a: 'x' }, { $mul: { a: 2 } })).code).toBe(14);
  });

  it('$min and $max compare with BSON ordering', async () => {
    const r = await apply(
      { lo: 10, hi: 10, d: new Date('2024-01-01T00:00:00Z') },
      { $min: { lo: 5, new1: 3, d: new Date('2023-01-01T00:00:00Z') }, $max: { hi: 20, new2: 4 } },
    );
    expect(r.doc).toEqual({ lo: 5, hi: 20, d: new Date('2023-01-01T00:00:00Z'), new1: 3, new2: 4 });
    expect((await apply({ lo: 1 }, { $min: { lo: 2 } })).result.modifiedCount).toBe(0);
    expect((await apply({ hi: 9 }, { $max: { hi: 3 } })).result.modifiedCount).toBe(0);
    expect(await after({ v: 5 }, { $max: { v: 'a' } })).toEqual({ v: 'a' });
    expect(await after({ v: 5 }, { $min: { v: null } })).toEqual({ v: null });
  });

  it('$rename moves fields, overwrites targets and ignores missing sources', async () => {
    expect(await after({ a: 1, b: { c: 2 }, keep: 3 }, { $rename: { a: 'x', 'b.c': 'y', missing: 'z' } })).toEqual({
      b: {},
      keep: 3,
      x: 1,
      y: 2,
    });
    expect(await after({ a: 1, b: 2 }, { $rename: { a: 'b' } })).toEqual({ b: 1 });
    expect((await apply({ a: 1 }, { $rename: { nope: 'b' } })).result.modifiedCount).toBe(0);
  });

  it('$currentDate sets a Date or a Timestamp', async () => {
    const before = Date.now();
    const doc = await after({}, { $currentDate: { d: true, d2: { $type: 'date' }, ts: { $type: 'timestamp' } } });
    expect(doc.d).toBeInstanceOf(Date);
    expect(doc.d2).toBeInstanceOf(Date);
    expect(Math.abs(doc.d.getTime() - before)).toBeLessThan(5 * 60_000);
    expect(doc.ts).toBeInstanceOf(Timestamp);
    expect(Math.abs(Number(doc.ts.high) * 1000 - before)).toBeLessThan(5 * 60_000);
  });
});

describe('array operators', () => {
  it('$push appends values and arrays as single elements, creating the array', async () => {
    expect(await after({ arr: [1] }, { $push: { arr: 2 } })).toEqual({ arr: [1, 2] });
    expect(await after({}, { $push: { arr: 'x' } })).toEqual({ arr: ['x'] });
    expect(await after({ arr: [1] }, { $push: { arr: [7, 8] } })).toEqual({ arr: [1, [7, 8]] });
    expect(await after({ arr: [1] }, { $push: { arr: { $each: [3, 4] } } })).toEqual({ arr: [1, 3, 4] });
  });

  it('$push modifiers $position, $sort and $slice', async () => {
    expect(await after({ arr: [1, 2] }, { $push: { arr: { $each: [0], $position: 0 } } })).toEqual({ arr: [0, 1, 2] });
    expect(await after({ arr: [5, 1] }, { $push: { arr: { $each: [3, 9], $sort: 1 } } })).toEqual({ arr: [1, 3, 5, 9] });
    expect(await after({ arr: [5, 1] }, { $push: { arr: { $each: [3, 9], $sort: -1, $slice: 2 } } })).toEqual({ arr: [9, 5] });
    expect(await after({ arr: [1, 2, 3] }, { $push: { arr: { $each: [4], $slice: -2 } } })).toEqual({ arr: [3, 4] });
    expect(
      await after({ q: [{ s: 5 }, { s: 8 }] }, { $push: { q: { $each: [{ s: 7 }], $sort: { s: -1 }, $slice: 2 } } }),
    ).toEqual({ q: [{ s: 8 }, { s: 7 }] });
  });

  it('$push on a non-array fails with BadValue (2)', async () => {
    expect((await failing({ arr: 'str' }, { $push: { arr: 1 } })).code).toBe(2);
  });

  it('$addToSet adds only absent values (document equality is field-order sensitive)', async () => {
    const same = await apply({ tags: ['a', 'b'] }, { $addToSet: { tags: 'a' } });
    expect(same.doc).toEqual({ tags: ['a', 'b'] });
    expect(same.result.modifiedCount).toBe(0);
    expect(await after({ tags: ['a', 'b'] }, { $addToSet: { tags: { $each: ['b', 'c', 'c'] } } })).toEqual({ tags: ['a', 'b', 'c'] });
    expect(await after({}, { $addToSet: { tags: 'x' } })).toEqual({ tags: ['x'] });
    expect(await after({ items: [{ x: 1, y: 2 }] }, { $addToSet: { items: { x: 1, y: 2 } } })).toEqual({ items: [{ x: 1, y: 2 }] });
    const reordered = await after({ items: [{ x: 1, y: 2 }] }, { $addToSet: { items: { y: 2, x: 1 } } });
    expect(reordered.items).toHaveLength(2);
    expect((await failing({ tags: 'str' }, { $addToSet: { tags: 'a' } })).code).toBe(2);
  });

  it('$pop removes the last or first element', async () => {
    expect(await after({ arr: [1, 2, 3] }, { $pop: { arr: 1 } })).toEqual({ arr: [1, 2] });
    expect(await after({ arr: [1, 2, 3] }, { $pop: { arr: -1 } })).toEqual({ arr: [2, 3] });
    expect((await apply({ arr: [] }, { $pop: { arr: 1 } })).result.modifiedCount).toBe(0);
  });

  it('$pull removes matching values, conditions and sub-documents', async () => {
    expect(await after({ arr: [1, 5, 6, 7, 5] }, { $pull: { arr: 5 } })).toEqual({ arr: [1, 6, 7] });
    expect(await after({ arr: [1, 5, 6, 7, 5] }, { $pull: { arr: { $gte: 6 } } })).toEqual({ arr: [1, 5, 5] });
    expect(await after({ arr: [1, 5, 6, 7] }, { $pull: { arr: { $in: [1, 7] } } })).toEqual({ arr: [5, 6] });
    expect(
      await after(
        {
          items: [
            { k: 'a', n: 1 },
            { k: 'b', n: 2 },
            { k: 'a', n: 3 },
          ],
        },
        { $pull: { items: { k: 'a' } } },
      ),
    ).toEqual({ items: [{ k: 'b', n: 2 }] });
    expect((await apply({ arr: [1] }, { $pull: { arr: 9 } })).result.modifiedCount).toBe(0);
  });

  it('$pullAll removes every listed value', async () => {
    expect(await after({ arr: [0, 2, 5, 5, 1, 0] }, { $pullAll: { arr: [0, 5] } })).toEqual({ arr: [2, 1] });
  });
});

describe('positional updates', () => {
  it('$ updates the first element matched by the query', async () => {
    expect(await after({ grades: [80, 85, 80] }, { $set: { 'grades.$': 82 } }, { filter: { grades: 80 } })).toEqual({
      grades: [82, 85, 80],
    });
    const items = [
      { sku: 'a', q: 1 },
      { sku: 'b', q: 2 },
    ];
    expect(await after({ items }, { $inc: { 'items.$.q': 10 } }, { filter: { 'items.sku': 'b' } })).toEqual({
      items: [
        { sku: 'a', q: 1 },
        { sku: 'b', q: 12 },
      ],
    });
  });

  it('$ without an array match in the query fails with BadValue (2)', async () => {
    expect((await failing({ grades: [1, 2] }, { $set: { 'grades.$': 0 } })).code).toBe(2);
  });

  it('$[] updates every element', async () => {
    expect(await after({ grades: [1, 2, 3] }, { $inc: { 'grades.$[]': 10 } })).toEqual({ grades: [11, 12, 13] });
    expect(await after({ items: [{ q: 1 }, { q: 2 }] }, { $set: { 'items.$[].done': true } })).toEqual({
      items: [
        { q: 1, done: true },
        { q: 2, done: true },
      ],
    });
  });

  it('$[id] with arrayFilters updates the matching elements, at any depth', async () => {
    expect(
      await after({ grades: [95, 102, 90, 150] }, { $set: { 'grades.$[el]': 100 } }, { options: { arrayFilters: [{ el: { $gte: 100 } }] } }),
    ).toEqual({ grades: [95, 100, 90, 100] });
    expect(
      await after(
        {
          items: [
            { sku: 'a', q: 1 },
            { sku: 'b', q: 2 },
            { sku: 'b', q: 5 },
          ],
        },
        { $inc: { 'items.$[it].q': 1 } },
        { options: { arrayFilters: [{ 'it.sku': 'b' }] } },
      ),
    ).toEqual({
      items: [
        { sku: 'a', q: 1 },
        { sku: 'b', q: 3 },
        { sku: 'b', q: 6 },
      ],
    });
    expect(
      await after({ m: [{ xs: [1, 5] }, { xs: [7] }] }, { $set: { 'm.$[].xs.$[x]': 0 } }, { options: { arrayFilters: [{ x: { $gt: 4 } }] } }),
    ).toEqual({ m: [{ xs: [1, 0] }, { xs: [0] }] });
  });

  it('an unused array filter fails with FailedToParse (9)', async () => {
    expect((await failing({ a: [1] }, { $set: { 'a.$[]': 2 } }, { arrayFilters: [{ x: 1 }] })).code).toBe(9);
  });
});

describe('pipeline updates', () => {
  it('computes fields from the document with $set / $unset stages', async () => {
    expect(
      await after({ a: 2, b: 3, tmp: 'x' }, [{ $set: { total: { $add: ['$a', '$b'] }, 'nested.k': '$a' } }, { $unset: 'tmp' }]),
    ).toEqual({ a: 2, b: 3, total: 5, nested: { k: 2 } });
    expect(await after({ a: 2 }, [{ $set: { grade: { $cond: [{ $gte: ['$a', 2] }, 'hi', 'lo'] } } }])).toEqual({ a: 2, grade: 'hi' });
  });

  it('supports $project, $replaceWith and $$NOW', async () => {
    expect(await after({ a: 2, b: 3 }, [{ $project: { a: 1 } }])).toEqual({ a: 2 });
    expect(await after({ a: 1 }, [{ $replaceWith: { $mergeObjects: [{ def: 0, a: 0 }, '$$ROOT'] } }])).toEqual({ def: 0, a: 1 });
    const doc = await after({}, [{ $set: { at: '$$NOW' } }]);
    expect(doc.at).toBeInstanceOf(Date);
  });

  it('upserts from the query equalities, then runs the pipeline', async () => {
    const r = await ops.updateOne({ _id: 'pipe-upsert', k: 'x' }, [{ $set: { created: true, kk: { $concat: ['$k', '!'] } } }], {
      upsert: true,
    });
    expect(r).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: 'pipe-upsert' });
    expect(await ops.findOne({ _id: 'pipe-upsert' as any })).toEqual({ _id: 'pipe-upsert', k: 'x', created: true, kk: 'x!' });
  });
});

describe('update errors', () => {
  it('conflicting paths fail with ConflictingUpdateOperators (40)', async () => {
    expect((await failing({ a: 1 }, { $set: { a: 1 }, $inc: { a: 1 } })).code).toBe(40);
    expect((await failing({ a: { b: 1 } }, { $set: { 'a.b': 1, a: {} } })).code).toBe(40);
    expect((await failing({ a: [1] }, { $push: { a: 2 }, $pull: { a: 1 } })).code).toBe(40);
  });

  it('changing _id fails with ImmutableField (66)', async () => {
    expect((await failing({ a: 1 }, { $set: { _id: 'other' } })).code).toBe(66);
    expect((await failing({ a: 1 }, { $unset: { _id: '' } })).code).toBe(66);
    const _id = ++nextId;
    await ops.insertOne({ _id, a: 1 });
    const err = await rejection(ops.replaceOne({ _id }, { _id: 'other', a: 2 }));
    expect(err.code).toBe(66);
    expect(await ops.findOne({ _id })).toEqual({ _id, a: 1 });
  });

  it('setting _id to its current value is allowed', async () => {
    const _id = ++nextId;
    await ops.insertOne({ _id, a: 1 });
    expect(await ops.updateOne({ _id }, { $set: { _id, a: 2 } })).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await ops.replaceOne({ _id }, { _id, a: 3 })).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await ops.findOne({ _id })).toEqual({ _id, a: 3 });
  });

  it('an unknown update operator fails with FailedToParse (9)', async () => {
    expect((await failing({ a: 1 }, { $frobnicate: { a: 1 } })).code).toBe(9);
  });
});
