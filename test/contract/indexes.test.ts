// Parity: index management and unique-index enforcement (E11000 shape, atomic
// per-document failure, index builds over existing duplicates).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Double, Long, MongoBulkWriteError, MongoServerError, type Collection, type Db, type MongoClient } from 'mongodb';
import { connectClient, rejection, startTestDatabase, type TestDatabase } from '../support/mongo.js';

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;
let seq = 0;
const fresh = (): Collection<any> => db.collection(`idx_${++seq}`);

beforeAll(async () => {
  tdb = await startTestDatabase('idx');
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

async function dupError(p: Promise<unknown>): Promise<any> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(MongoServerError);
  expect(err.code).toBe(11000);
  return err;
}

describe('index management', () => {
  it('createIndex returns the generated name and listIndexes reports each spec', async () => {
    const c = fresh();
    await c.insertOne({ a: 1 });
    expect(await c.createIndex({ a: 1 })).toBe('a_1');
    expect(await c.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    expect(await c.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(await c.createIndex({ nick: 1 }, { sparse: true, name: 'by_nick' })).toBe('by_nick');
    expect(await c.createIndex({ sku: 1 }, { unique: true, partialFilterExpression: { active: true } })).toBe('sku_1');
    const list = await c.listIndexes().toArray();
    expect(list).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1 }, name: 'a_1' },
      { v: 2, key: { a: 1, b: -1 }, name: 'a_1_b_-1' },
      { v: 2, key: { email: 1 }, name: 'email_1', unique: true },
      { v: 2, key: { nick: 1 }, name: 'by_nick', sparse: true },
      { v: 2, key: { sku: 1 }, name: 'sku_1', unique: true, partialFilterExpression: { active: true } },
    ]);
    expect(Object.keys(list[2].key)).toEqual(['a', 'b']);
  });

  it('createIndex on a missing collection creates the collection', async () => {
    const c = fresh();
    await c.createIndex({ x: 1 });
    const names = (await db.listCollections({ name: c.collectionName }).toArray()).map((x) => x.name);
    expect(names).toEqual([c.collectionName]);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'x_1']);
  });

  it('re-creating an identical index is a no-op', async () => {
    const c = fresh();
    await c.createIndex({ a: 1 }, { unique: true });
    expect(await c.createIndex({ a: 1 }, { unique: true })).toBe('a_1');
    expect(await c.listIndexes().toArray()).toHaveLength(2);
  });

  it('dropIndex removes one index; dropIndexes removes all but _id', async () => {
    const c = fresh();
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 }, name: 'cee' }]);
    await c.dropIndex('b_1');
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'a_1', 'cee']);
    const missing = await rejection(c.dropIndex('nope_1'));
    expect(missing).toBeInstanceOf(MongoServerError);
    expect(missing.code).toBe(27);
    const idIndex = await rejection(c.dropIndex('_id_'));
    expect(idIndex.code).toBe(72);
    expect(await c.dropIndexes()).toBe(true);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('indexInformation / indexExists reflect the catalog', async () => {
    const c = fresh();
    await c.createIndex({ a: 1, b: 1 });
    expect(await c.indexExists('a_1_b_1')).toBe(true);
    expect(await c.indexExists('b_1')).toBe(false);
    expect(await c.indexInformation()).toEqual({ _id_: [['_id', 1]], a_1_b_1: [['a', 1], ['b', 1]] });
  });
});

describe('unique enforcement', () => {
  it('single-field unique index rejects duplicates with keyPattern/keyValue', async () => {
    const c = fresh();
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ _id: 1, email: 'a@x' });
    const err = await dupError(c.insertOne({ _id: 2, email: 'a@x' }));
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@x' });
    expect(err.message).toBe(
      `E11000 duplicate key error collection: ${tdb.dbName}.${c.collectionName} index: email_1 dup key: { email: "a@x" }`,
    );
    expect(await c.countDocuments()).toBe(1);
  });

  it('missing fields collide as null unless the index is sparse', async () => {
    const c = fresh();
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ _id: 1 });
    const err = await dupError(c.insertOne({ _id: 2 }));
    expect(err.keyValue).toEqual({ email: null });

    const s = fresh();
    await s.createIndex({ email: 1 }, { unique: true, sparse: true });
    await s.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3, email: 'e' }]);
    await dupError(s.insertOne({ _id: 4, email: 'e' }));
    expect(await s.countDocuments()).toBe(3);
  });

  it('numerically equal keys of different BSON types collide', async () => {
    const c = fresh();
    await c.createIndex({ n: 1 }, { unique: true });
    await c.insertOne({ n: 1 });
    await dupError(c.insertOne({ n: new Double(1) }));
    await dupError(c.insertOne({ n: Long.fromNumber(1) }));
    await c.insertOne({ n: '1' });
    expect(await c.countDocuments()).toBe(2);
  });

  it('compound unique index compares the whole key', async () => {
    const c = fresh();
    await c.createIndex({ a: 1, b: 1 }, { unique: true });
    await c.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
      { a: 2, b: 1 },
    ]);
    const err = await dupError(c.insertOne({ a: 1, b: 2 }));
    expect(err.keyPattern).toEqual({ a: 1, b: 1 });
    expect(err.keyValue).toEqual({ a: 1, b: 2 });
  });

  it('partial unique index only constrains documents matching the filter', async () => {
    const c = fresh();
    await c.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await c.insertMany([
      { email: 'a', active: false },
      { email: 'a', active: false },
      { email: 'a', active: true },
    ]);
    await dupError(c.insertOne({ email: 'a', active: true }));
    await dupError(c.updateOne({ active: false }, { $set: { active: true } }));
    expect(await c.countDocuments({ active: true })).toBe(1);
  });

  it('multikey unique index: values collide across documents, not within one', async () => {
    const c = fresh();
    await c.createIndex({ tags: 1 }, { unique: true });
    await c.insertOne({ _id: 1, tags: ['a', 'b', 'a'] });
    const err = await dupError(c.insertOne({ _id: 2, tags: ['c', 'b'] }));
    expect(err.keyValue).toEqual({ tags: 'b' });
    await c.insertOne({ _id: 3, tags: ['c'] });
    expect(await c.countDocuments()).toBe(2);
  });
});

describe('compound multikey keys', () => {
  it('fields under the same array pair up element by element', async () => {
    const c = fresh();
    await c.createIndex({ 'ids.p': 1, 'ids.u': 1 }, { unique: true });
    await c.insertOne({ _id: 1, ids: [{ p: 'slack', u: 'X' }, { p: 'console', u: 'one' }] } as never);
    // (console, X) is not a key of the first document: only (slack, X) and (console, one) are.
    await c.insertOne({ _id: 2, ids: [{ p: 'teams', u: 'X' }, { p: 'console', u: 'two' }] } as never);
    const err = await dupError(c.insertOne({ _id: 3, ids: [{ p: 'slack', u: 'X' }] } as never));
    expect(err.keyValue).toEqual({ 'ids.p': 'slack', 'ids.u': 'X' });
    expect(await c.find({ ids: { $elemMatch: { p: 'console', u: 'two' } } }).map((d) => d._id).toArray()).toEqual([2]);
  });
});

describe('failed writes leave the document and its index entries unchanged', () => {
  async function twoUnique(): Promise<Collection<any>> {
    const c = fresh();
    await c.createIndex({ a: 1 }, { unique: true });
    await c.createIndex({ b: 1 }, { unique: true });
    await c.insertMany([
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 2, b: 2 },
    ]);
    return c;
  }

  it('a failed insert does not leave a key behind in other indexes', async () => {
    const c = await twoUnique();
    const err = await dupError(c.insertOne({ _id: 3, a: 3, b: 1 }));
    expect(err.keyPattern).toEqual({ b: 1 });
    await c.insertOne({ _id: 4, a: 3, b: 3 });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 2, b: 2 },
      { _id: 4, a: 3, b: 3 },
    ]);
  });

  it('a failed updateOne keeps the old document and frees none of its keys', async () => {
    const c = await twoUnique();
    await dupError(c.updateOne({ _id: 1 }, { $set: { a: 5, b: 2 } }));
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 1, b: 1 });
    await c.insertOne({ _id: 3, a: 5, b: 5 });
    await dupError(c.insertOne({ _id: 4, a: 1, b: 6 }));
    expect(await c.find({ a: 1 }).toArray()).toEqual([{ _id: 1, a: 1, b: 1 }]);
    expect(await c.find({ a: 5 }).toArray()).toEqual([{ _id: 3, a: 5, b: 5 }]);
  });

  it('a failed replaceOne keeps the old document', async () => {
    const c = await twoUnique();
    await dupError(c.replaceOne({ _id: 2 }, { a: 9, b: 1 }));
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, a: 2, b: 2 });
    expect(await c.find({ a: 9 }).toArray()).toEqual([]);
  });

  it('updateMany stops at the first failing document', async () => {
    const c = fresh();
    await c.createIndex({ b: 1 }, { unique: true });
    await c.insertMany([
      { _id: 1, b: 'x1' },
      { _id: 2, b: 'x2' },
      { _id: 3, b: 'x3' },
    ]);
    await dupError(c.updateMany({}, { $set: { b: 'same' } }));
    expect(await c.countDocuments({ b: 'same' })).toBe(1);
    expect(await c.countDocuments({ b: { $in: ['x1', 'x2', 'x3'] } })).toBe(2);
  });

  it('ordered insertMany keeps the prefix and nothing of the failing document', async () => {
    const c = await twoUnique();
    const err = await rejection(
      c.insertMany([
        { _id: 10, a: 10, b: 10 },
        { _id: 11, a: 11, b: 2 },
        { _id: 12, a: 12, b: 12 },
      ]),
    );
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    expect(err.insertedCount).toBe(1);
    expect(err.writeErrors[0].index).toBe(1);
    expect(await c.find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 10 }]);
    await c.insertOne({ _id: 11, a: 11, b: 11 });
    await c.insertOne({ _id: 12, a: 12, b: 12 });
  });
});

describe('building a unique index', () => {
  it('fails with 11000 over existing duplicates and leaves no index behind', async () => {
    const c = fresh();
    await c.insertMany([
      { _id: 1, k: 'x' },
      { _id: 2, k: 'y' },
      { _id: 3, k: 'x' },
    ]);
    const err = await rejection(c.createIndex({ k: 1 }, { unique: true }));
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ k: 1 });
    expect(err.keyValue).toEqual({ k: 'x' });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await c.insertOne({ _id: 4, k: 'y' });
    expect(await c.countDocuments()).toBe(4);
  });

  it('succeeds once the duplicates are gone and is then enforced', async () => {
    const c = fresh();
    await c.insertMany([{ k: 1 }, { k: 2 }, { k: 1 }]);
    await rejection(c.createIndex({ k: 1 }, { unique: true }));
    await c.deleteOne({ k: 1 });
    expect(await c.createIndex({ k: 1 }, { unique: true })).toBe('k_1');
    await dupError(c.insertOne({ k: 2 }));
  });
});
