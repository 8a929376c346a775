// Parity: basic CRUD through the real driver, with the exact result counts
// MongoDB 7 reports.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { MongoBulkWriteError, MongoServerError, ObjectId, type Collection, type Db, type Document, type MongoClient } from 'mongodb';
import { connectClient, rejection, startTestDatabase, type TestDatabase } from '../support/mongo.js';

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;
let seq = 0;
const fresh = (): Collection<any> => db.collection(`crud_${++seq}`);

const people = [
  { _id: 1, name: 'ann', age: 31, city: 'Oslo', tags: ['a', 'b'], score: 7.5, addr: { zip: '0150' } },
  { _id: 2, name: 'bob', age: 25, city: 'Rome', tags: ['b'], score: 9, addr: { zip: '00100' } },
  { _id: 3, name: 'cid', age: 42, city: 'Oslo', tags: [], score: 6 },
  { _id: 4, name: 'dan', age: 25, city: 'Paris', score: 8, addr: { zip: '75001' } },
  { _id: 5, name: 'eve', age: 37, city: 'Rome', tags: ['c', 'a'], score: null },
  { _id: 6, name: 'fay', city: 'Oslo' },
];
async function seeded(): Promise<Collection<any>> {
  const c = fresh();
  await c.insertMany(people.map((p) => ({ ...p })));
  return c;
}
const ids = (docs: Document[]): unknown[] => docs.map((d) => d._id);

beforeAll(async () => {
  tdb = await startTestDatabase('crud');
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

describe('insert', () => {
  it('insertOne acknowledges with the inserted id and stores _id first', async () => {
    const c = fresh();
    const r = await c.insertOne({ a: 1 });
    expect(r.acknowledged).toBe(true);
    expect(r.insertedId).toBeInstanceOf(ObjectId);
    await c.insertOne({ b: 2, _id: 'x' });
    const stored = await c.findOne({ _id: 'x' });
    expect(stored).toEqual({ _id: 'x', b: 2 });
    expect(Object.keys(stored!)).toEqual(['_id', 'b']);
    expect(await c.findOne({ _id: r.insertedId })).toEqual({ _id: r.insertedId, a: 1 });
  });

  it('insertOne with a duplicate _id fails with E11000', async () => {
    const c = fresh();
    await c.insertOne({ _id: 1, v: 'first' });
    const err = await rejection(c.insertOne({ _id: 1, v: 'second' }));
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ _id: 1 });
    expect(err.keyValue).toEqual({ _id: 1 });
    expect(err.message).toBe(`E11000 duplicate key error collection: ${tdb.dbName}.${c.collectionName} index: _id_ dup key: { _id: 1 }`);
    expect(await c.find().toArray()).toEqual([{ _id: 1, v: 'first' }]);
  });

  it('insertMany reports every inserted id', async () => {
    const c = fresh();
    const r = await c.insertMany([{ _id: 'a' }, { _id: 'b' }, { x: 1 }]);
    expect(r.acknowledged).toBe(true);
    expect(r.insertedCount).toBe(3);
    expect(r.insertedIds[0]).toBe('a');
    expect(r.insertedIds[1]).toBe('b');
    expect(r.insertedIds[2]).toBeInstanceOf(ObjectId);
    expect(await c.countDocuments()).toBe(3);
  });

  it('ordered insertMany stops at the first duplicate', async () => {
    const c = fresh();
    await c.insertOne({ _id: 3 });
    const err = await rejection(c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 4 }, { _id: 2 }]));
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    expect(err.code).toBe(11000);
    expect(err.insertedCount).toBe(2);
    expect(err.insertedIds).toEqual({ 0: 1, 1: 2 });
    expect(err.writeErrors).toHaveLength(1);
    expect(err.writeErrors[0].index).toBe(2);
    expect(err.writeErrors[0].code).toBe(11000);
    expect(ids(await c.find().sort({ _id: 1 }).toArray())).toEqual([1, 2, 3]);
  });

  it('unordered insertMany inserts everything that does not collide', async () => {
    const c = fresh();
    await c.insertOne({ _id: 3 });
    const err = await rejection(
      c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 4 }, { _id: 2 }, { _id: 5 }], { ordered: false }),
    );
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    expect(err.code).toBe(11000);
    expect(err.insertedCount).toBe(4);
    expect(err.writeErrors.map((e: any) => [e.index, e.code])).toEqual([
      [2, 11000],
      [4, 11000],
    ]);
    expect(ids(await c.find().sort({ _id: 1 }).toArray())).toEqual([1, 2, 3, 4, 5]);
  });

  it('raw insert command reports n', async () => {
    const c = fresh();
    const r = await db.command({ insert: c.collectionName, documents: [{ _id: 1 }, { _id: 2 }] });
    expect(r).toMatchObject({ n: 2, ok: 1 });
    expect(r.writeErrors).toBeUndefined();
  });
});

describe('find', () => {
  let c: Collection<any>;
  beforeAll(async () => {
    c = await seeded();
  });

  it('filters with comparison, logical, array and dotted-path operators', async () => {
    const q = async (filter: Document) => ids(await c.find(filter).sort({ _id: 1 }).toArray());
    expect(await q({ city: 'Oslo' })).toEqual([1, 3, 6]);
    expect(await q({ age: { $gt: 30 } })).toEqual([1, 3, 5]);
    expect(await q({ age: { $gte: 25, $lt: 35 } })).toEqual([1, 2, 4]);
    expect(await q({ city: { $in: ['Rome', 'Paris'] } })).toEqual([2, 4, 5]);
    expect(await q({ city: { $nin: ['Rome', 'Paris'] } })).toEqual([1, 3, 6]);
    expect(await q({ $or: [{ age: 25 }, { name: 'fay' }] })).toEqual([2, 4, 6]);
    expect(await q({ tags: 'a' })).toEqual([1, 5]);
    expect(await q({ tags: { $all: ['a', 'b'] } })).toEqual([1]);
    expect(await q({ tags: { $size: 0 } })).toEqual([3]);
    expect(await q({ age: { $exists: false } })).toEqual([6]);
    expect(await q({ age: { $ne: 25 } })).toEqual([1, 3, 5, 6]);
    expect(await q({ score: null })).toEqual([5, 6]);
    expect(await q({ 'addr.zip': '00100' })).toEqual([2]);
    expect(await q({ name: { $regex: '^[a-c]' } })).toEqual([1, 2, 3]);
    expect(await q({ $and: [{ city: 'Oslo' }, { age: { $lt: 40 } }] })).toEqual([1]);
    expect(await q({ nothing: 'here' })).toEqual([]);
  });

  it('sorts on one or several keys, missing values first ascending', async () => {
    expect(ids(await c.find().sort({ age: 1, _id: 1 }).toArray())).toEqual([6, 2, 4, 1, 5, 3]);
    expect(ids(await c.find().sort({ age: -1, _id: 1 }).toArray())).toEqual([3, 5, 1, 2, 4, 6]);
    expect(ids(await c.find().sort({ city: 1, name: -1 }).toArray())).toEqual([6, 3, 1, 4, 5, 2]);
  });

  it('projects with inclusion and exclusion', async () => {
    expect(await c.find({ _id: 1 }, { projection: { name: 1 } }).toArray()).toEqual([{ _id: 1, name: 'ann' }]);
    expect(await c.find({ _id: 1 }, { projection: { name: 1, _id: 0 } }).toArray()).toEqual([{ name: 'ann' }]);
    expect(await c.find({ _id: 1 }, { projection: { 'addr.zip': 1 } }).toArray()).toEqual([{ _id: 1, addr: { zip: '0150' } }]);
    expect(await c.find({ _id: 2 }, { projection: { tags: 0, score: 0, addr: 0 } }).toArray()).toEqual([
      { _id: 2, name: 'bob', age: 25, city: 'Rome' },
    ]);
  });

  it('rejects a projection mixing inclusion and exclusion (31254)', async () => {
    const err = await rejection(c.find({}, { projection: { name: 1, tags: 0 } }).toArray());
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(31254);
  });

  it('applies skip and limit after the sort', async () => {
    expect(ids(await c.find().sort({ _id: 1 }).skip(2).limit(2).toArray())).toEqual([3, 4]);
    expect(ids(await c.find().sort({ _id: -1 }).limit(3).toArray())).toEqual([6, 5, 4]);
    expect(ids(await c.find().sort({ _id: 1 }).skip(5).toArray())).toEqual([6]);
    expect(await c.find().skip(10).toArray()).toEqual([]);
  });

  it('findOne returns the first match in sort order, or null', async () => {
    expect(await c.findOne({ city: 'Rome' }, { sort: { age: -1 } })).toMatchObject({ _id: 5 });
    expect(await c.findOne({ _id: 2 }, { projection: { name: 1, _id: 0 } })).toEqual({ name: 'bob' });
    expect(await c.findOne({ city: 'Lima' })).toBeNull();
  });
});

describe('counting and distinct', () => {
  let c: Collection<any>;
  beforeAll(async () => {
    c = await seeded();
  });

  it('countDocuments honours filter, skip and limit', async () => {
    expect(await c.countDocuments()).toBe(6);
    expect(await c.countDocuments({ city: 'Oslo' })).toBe(3);
    expect(await c.countDocuments({ city: 'Oslo' }, { skip: 1 })).toBe(2);
    expect(await c.countDocuments({}, { skip: 2, limit: 3 })).toBe(3);
    expect(await c.countDocuments({ city: 'Lima' })).toBe(0);
    expect(await db.collection('crud_missing').countDocuments()).toBe(0);
  });

  it('estimatedDocumentCount counts the whole collection', async () => {
    expect(await c.estimatedDocumentCount()).toBe(6);
    expect(await db.collection('crud_missing').estimatedDocumentCount()).toBe(0);
  });

  it('distinct flattens arrays, skips missing values and honours the filter', async () => {
    expect((await c.distinct('city')).sort()).toEqual(['Oslo', 'Paris', 'Rome']);
    expect((await c.distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
    expect((await c.distinct('age', { city: 'Oslo' })).sort()).toEqual([31, 42]);
    expect((await c.distinct('addr.zip')).sort()).toEqual(['00100', '0150', '75001']);
    expect(await c.distinct('city', { age: 99 })).toEqual([]);
    expect(await db.collection('crud_missing').distinct('x')).toEqual([]);
  });
});

describe('delete', () => {
  it('deleteOne and deleteMany report deletedCount', async () => {
    const c = await seeded();
    expect(await c.deleteOne({ city: 'Oslo' })).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await c.deleteMany({ city: 'Oslo' })).toEqual({ acknowledged: true, deletedCount: 2 });
    expect(await c.deleteOne({ city: 'Oslo' })).toEqual({ acknowledged: true, deletedCount: 0 });
    expect(await c.deleteMany({ age: { $lt: 30 } })).toEqual({ acknowledged: true, deletedCount: 2 });
    expect(ids(await c.find().toArray())).toEqual([5]);
    expect(await c.deleteMany({})).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await c.countDocuments()).toBe(0);
  });

  it('raw delete command reports n', async () => {
    const c = await seeded();
    const r = await db.command({ delete: c.collectionName, deletes: [{ q: { age: 25 }, limit: 0 }, { q: { city: 'Oslo' }, limit: 1 }] });
    expect(r).toMatchObject({ n: 3, ok: 1 });
  });
});

describe('replaceOne', () => {
  it('replaces the whole document and keeps _id', async () => {
    const c = await seeded();
    const r = await c.replaceOne({ _id: 1 }, { name: 'ANN', v: 2 });
    expect(r).toEqual({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'ANN', v: 2 });
  });

  it('an identical replacement matches but does not modify', async () => {
    const c = await seeded();
    const r = await c.replaceOne({ _id: 6 }, { name: 'fay', city: 'Oslo' });
    expect(r).toEqual({ acknowledged: true, matchedCount: 1, modifiedCount: 0, upsertedCount: 0, upsertedId: null });
  });

  it('no match without upsert changes nothing', async () => {
    const c = await seeded();
    const r = await c.replaceOne({ _id: 99 }, { name: 'x' });
    expect(r).toEqual({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null });
    expect(await c.countDocuments()).toBe(6);
  });

  it('upsert inserts the replacement only (query fields other than _id are not copied)', async () => {
    const c = fresh();
    const r = await c.replaceOne({ name: 'zed' }, { v: 1 }, { upsert: true });
    expect(r.matchedCount).toBe(0);
    expect(r.modifiedCount).toBe(0);
    expect(r.upsertedCount).toBe(1);
    expect(r.upsertedId).toBeInstanceOf(ObjectId);
    expect(await c.find().toArray()).toEqual([{ _id: r.upsertedId, v: 1 }]);

    const r2 = await c.replaceOne({ _id: 'k' }, { v: 2 }, { upsert: true });
    expect(r2).toEqual({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: 'k' });
    expect(await c.findOne({ _id: 'k' })).toEqual({ _id: 'k', v: 2 });
  });
});

describe('updateOne / updateMany', () => {
  it('reports matched and modified counts, including no-op updates', async () => {
    const c = await seeded();
    expect(await c.updateOne({ _id: 1 }, { $set: { age: 32 } })).toEqual({
      acknowledged: true,
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await c.updateOne({ _id: 1 }, { $set: { age: 32 } })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    expect(await c.updateOne({ _id: 99 }, { $set: { age: 1 } })).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
    expect(await c.updateMany({ city: 'Oslo' }, { $set: { country: 'NO' } })).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    expect(await c.updateMany({ city: 'Oslo' }, { $set: { country: 'NO' } })).toMatchObject({ matchedCount: 3, modifiedCount: 0 });
    expect(await c.updateMany({}, { $set: { country: 'NO' } })).toMatchObject({ matchedCount: 6, modifiedCount: 3, upsertedCount: 0 });
    expect(await c.countDocuments({ country: 'NO' })).toBe(6);
  });

  it('upsert seeds the new document from the query equalities and applies $setOnInsert', async () => {
    const c = await seeded();
    const r = await c.updateOne(
      { name: 'zed', age: { $gt: 10 }, 'addr.zip': '9999' },
      { $set: { city: 'Lima' }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(r.matchedCount).toBe(0);
    expect(r.modifiedCount).toBe(0);
    expect(r.upsertedCount).toBe(1);
    expect(r.upsertedId).toBeInstanceOf(ObjectId);
    expect(await c.findOne({ _id: r.upsertedId! })).toEqual({
      _id: r.upsertedId,
      name: 'zed',
      addr: { zip: '9999' },
      city: 'Lima',
      created: true,
    });
  });

  it('upsert on a match updates without $setOnInsert', async () => {
    const c = await seeded();
    const r = await c.updateOne({ name: 'bob' }, { $set: { city: 'Lima' }, $setOnInsert: { created: true } }, { upsert: true });
    expect(r).toEqual({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    expect(await c.findOne({ _id: 2 }, { projection: { city: 1, created: 1 } })).toEqual({ _id: 2, city: 'Lima' });
  });

  it('upsert takes _id and $and equalities from the query', async () => {
    const c = fresh();
    const r = await c.updateOne({ _id: 77, $and: [{ a: 1 }, { b: 'x' }] }, { $inc: { n: 1 } }, { upsert: true });
    expect(r).toEqual({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: 77 });
    expect(await c.findOne({ _id: 77 })).toEqual({ _id: 77, a: 1, b: 'x', n: 1 });
  });

  it('updateMany with upsert inserts exactly one document when nothing matches', async () => {
    const c = await seeded();
    const r = await c.updateMany({ city: 'Lima' }, { $set: { visited: true } }, { upsert: true });
    expect(r.matchedCount).toBe(0);
    expect(r.modifiedCount).toBe(0);
    expect(r.upsertedCount).toBe(1);
    expect(await c.find({ city: 'Lima' }, { projection: { _id: 0 } }).toArray()).toEqual([{ city: 'Lima', visited: true }]);
  });

  it('raw update command reports n, nModified and upserted', async () => {
    const c = await seeded();
    const r1 = await db.command({ update: c.collectionName, updates: [{ q: { city: 'Rome' }, u: { $set: { eu: true } }, multi: true }] });
    expect(r1).toMatchObject({ n: 2, nModified: 2, ok: 1 });
    expect(r1.upserted).toBeUndefined();
    const r2 = await db.command({
      update: c.collectionName,
      updates: [
        { q: { _id: 50 }, u: { $set: { v: 1 } }, upsert: true },
        { q: { _id: 2 }, u: { $set: { eu: true } } },
      ],
    });
    expect(r2).toMatchObject({ n: 2, nModified: 0, ok: 1 });
    expect(r2.upserted).toEqual([{ index: 0, _id: 50 }]);
  });
});
