// Parity: findOneAndUpdate / findOneAndReplace / findOneAndDelete, including
// result metadata, and atomic claiming under concurrency from many clients.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { MongoServerError, ObjectId, type Collection, type Db, type MongoClient } from 'mongodb';
import { connectClient, rejection, startTestDatabase, type TestDatabase } from '../support/mongo.js';

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;
let seq = 0;
const fresh = (): Collection<any> => db.collection(`fam_${++seq}`);

const tasks = [
  { _id: 1, name: 'a', pri: 2, state: 'new' },
  { _id: 2, name: 'b', pri: 5, state: 'new' },
  { _id: 3, name: 'c', pri: 1, state: 'new' },
  { _id: 4, name: 'd', pri: 5, state: 'done' },
];
async function seeded(): Promise<Collection<any>> {
  const c = fresh();
  await c.insertMany(tasks.map((t) => ({ ...t })));
  return c;
}

beforeAll(async () => {
  tdb = await startTestDatabase('fam');
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

describe('findOneAndUpdate', () => {
  it('returns the document before the update by default', async () => {
    const c = await seeded();
    const doc = await c.findOneAndUpdate({ _id: 1 }, { $set: { state: 'run' } });
    expect(doc).toEqual({ _id: 1, name: 'a', pri: 2, state: 'new' });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'a', pri: 2, state: 'run' });
  });

  it('returns the updated document with returnDocument: after', async () => {
    const c = await seeded();
    const doc = await c.findOneAndUpdate({ _id: 1 }, { $inc: { pri: 10 } }, { returnDocument: 'after' });
    expect(doc).toEqual({ _id: 1, name: 'a', pri: 12, state: 'new' });
  });

  it('uses sort to choose among several matches', async () => {
    const c = await seeded();
    const first = await c.findOneAndUpdate({ state: 'new' }, { $set: { state: 'run' } }, { sort: { pri: -1 }, returnDocument: 'after' });
    expect(first).toMatchObject({ _id: 2, state: 'run' });
    const low = await c.findOneAndUpdate({ state: 'new' }, { $set: { state: 'run' } }, { sort: { pri: 1 } });
    expect(low).toMatchObject({ _id: 3, state: 'new' });
    expect(await c.find({ state: 'new' }).toArray()).toEqual([{ _id: 1, name: 'a', pri: 2, state: 'new' }]);
  });

  it('applies the projection to the returned document', async () => {
    const c = await seeded();
    const doc = await c.findOneAndUpdate({ _id: 2 }, { $set: { state: 'x' } }, { projection: { state: 1, _id: 0 }, returnDocument: 'after' });
    expect(doc).toEqual({ state: 'x' });
  });

  it('returns null when nothing matches', async () => {
    const c = await seeded();
    expect(await c.findOneAndUpdate({ _id: 99 }, { $set: { a: 1 } })).toBeNull();
    expect(await c.countDocuments({ a: 1 })).toBe(0);
  });

  it('upserts: null before, the new document after', async () => {
    const c = await seeded();
    expect(await c.findOneAndUpdate({ name: 'new1' }, { $set: { pri: 0 } }, { upsert: true })).toBeNull();
    const inserted = await c.findOne({ name: 'new1' });
    expect(inserted).toEqual({ _id: expect.any(ObjectId), name: 'new1', pri: 0 });
    const after = await c.findOneAndUpdate(
      { name: 'new2' },
      { $set: { pri: 7 }, $setOnInsert: { state: 'fresh' } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(after).toEqual({ _id: expect.any(ObjectId), name: 'new2', pri: 7, state: 'fresh' });
  });

  it('reports lastErrorObject with includeResultMetadata', async () => {
    const c = await seeded();
    const updated = await c.findOneAndUpdate({ _id: 1 }, { $set: { pri: 3 } }, { includeResultMetadata: true });
    expect(updated.ok).toBe(1);
    expect(updated.value).toMatchObject({ _id: 1, pri: 2 });
    expect(updated.lastErrorObject).toEqual({ n: 1, updatedExisting: true });

    const none = await c.findOneAndUpdate({ _id: 99 }, { $set: { pri: 3 } }, { includeResultMetadata: true });
    expect(none.value).toBeNull();
    expect(none.lastErrorObject).toEqual({ n: 0, updatedExisting: false });

    const upserted = await c.findOneAndUpdate({ _id: 50 }, { $set: { pri: 3 } }, { upsert: true, includeResultMetadata: true });
    expect(upserted.value).toBeNull();
    expect(upserted.lastErrorObject).toEqual({ n: 1, updatedExisting: false, upserted: 50 });
  });

  it('surfaces update errors with their codes', async () => {
    const c = await seeded();
    await c.createIndex({ name: 1 }, { unique: true });
    const dup = await rejection(c.findOneAndUpdate({ _id: 1 }, { $set: { name: 'b' } }));
    expect(dup).toBeInstanceOf(MongoServerError);
    expect(dup.code).toBe(11000);
    expect(dup.keyValue).toEqual({ name: 'b' });
    expect((await rejection(c.findOneAndUpdate({ _id: 1 }, { $inc: { name: 1 } }))).code).toBe(14);
    expect(await c.findOne({ _id: 1 })).toEqual(tasks[0]);
  });
});

describe('findOneAndReplace', () => {
  it('replaces and returns before or after', async () => {
    const c = await seeded();
    const before = await c.findOneAndReplace({ _id: 3 }, { name: 'C', pri: 9 });
    expect(before).toEqual({ _id: 3, name: 'c', pri: 1, state: 'new' });
    const after = await c.findOneAndReplace({ _id: 3 }, { name: 'CC' }, { returnDocument: 'after' });
    expect(after).toEqual({ _id: 3, name: 'CC' });
  });

  it('picks by sort, projects, and upserts', async () => {
    const c = await seeded();
    const doc = await c.findOneAndReplace({ pri: 5 }, { name: 'top' }, { sort: { _id: -1 }, projection: { name: 1 }, returnDocument: 'after' });
    expect(doc).toEqual({ _id: 4, name: 'top' });
    const up = await c.findOneAndReplace({ _id: 'r' }, { name: 'rep' }, { upsert: true, returnDocument: 'after' });
    expect(up).toEqual({ _id: 'r', name: 'rep' });
  });
});

describe('findOneAndDelete', () => {
  it('deletes the first match in sort order and returns it', async () => {
    const c = await seeded();
    const doc = await c.findOneAndDelete({ state: 'new' }, { sort: { pri: -1 } });
    expect(doc).toEqual({ _id: 2, name: 'b', pri: 5, state: 'new' });
    expect(await c.countDocuments()).toBe(3);
    const proj = await c.findOneAndDelete({}, { sort: { pri: 1 }, projection: { name: 1, _id: 0 } });
    expect(proj).toEqual({ name: 'c' });
    expect(await c.findOneAndDelete({ _id: 99 })).toBeNull();
    const meta = await c.findOneAndDelete({ _id: 1 }, { includeResultMetadata: true });
    expect(meta.lastErrorObject).toEqual({ n: 1 });
    expect(meta.value).toMatchObject({ _id: 1 });
    expect((await c.find().toArray()).map((d) => d._id)).toEqual([4]);
  });
});

describe('concurrent claiming', () => {
  it('20 clients racing over 200 free docs take each exactly once', async () => {
    const c = fresh();
    await c.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i, state: 'free' })));
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectClient(tdb.uri, { maxPoolSize: 2 })));
    try {
      const claims = await Promise.all(
        clients.map(async (cl, i) => {
          const coll = cl.db(tdb.dbName).collection<any>(c.collectionName);
          const mine: number[] = [];
          for (;;) {
            const doc = await coll.findOneAndUpdate({ state: 'free' }, { $set: { state: 'taken', by: i } }, { returnDocument: 'after' });
            if (!doc) break;
            expect(doc).toEqual({ _id: doc._id, state: 'taken', by: i });
            mine.push(doc._id);
          }
          return mine;
        }),
      );
      const all = claims.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(await c.countDocuments({ state: 'free' })).toBe(0);
      const stored = new Map((await c.find().toArray()).map((d) => [d._id, d]));
      for (const [i, mine] of claims.entries()) {
        for (const id of mine) expect(stored.get(id)).toEqual({ _id: id, state: 'taken', by: i });
      }
    } finally {
      await Promise.all(clients.map((cl) => cl.close()));
    }
  });
});
