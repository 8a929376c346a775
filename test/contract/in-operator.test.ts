// $in / $nin semantics (arrays, null and missing, regular expressions) and a
// long $in list — the shape Agenda uses to unlock thousands of jobs at once.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ObjectId, type Db, type MongoClient } from 'mongodb';
import { connectClient, startTestDatabase, type TestDatabase } from '../support/mongo.js';

let database: TestDatabase;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  database = await startTestDatabase('in_operator');
  client = await connectClient(database.uri);
  db = client.db(database.dbName);
});

afterAll(async () => {
  await client?.close();
  await database?.stop();
});

describe('$in and $nin', () => {
  it('match scalars, array elements, whole arrays, null and missing fields, and regular expressions', async () => {
    const c = db.collection<{ _id: number; v?: unknown }>('sem');
    await c.insertMany([
      { _id: 1, v: 'apple' },
      { _id: 2, v: ['pear', 'plum'] },
      { _id: 3, v: null },
      { _id: 4 },
      { _id: 5, v: ['x', 'y'] },
      { _id: 6, v: 7 },
      { _id: 7, v: 7.0 },
    ]);
    const ids = async (filter: object) => (await c.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ v: { $in: ['apple', 'plum'] } })).toEqual([1, 2]);
    expect(await ids({ v: { $in: [null] } })).toEqual([3, 4]);
    expect(await ids({ v: { $in: [['x', 'y']] } })).toEqual([5]);
    expect(await ids({ v: { $in: [/^ap/, 7] } })).toEqual([1, 6, 7]);
    expect(await ids({ v: { $nin: ['apple', null, 7] } })).toEqual([2, 5]);
  });

  it('a 3,000-value $in updates exactly the listed documents', async () => {
    const c = db.collection('many');
    const docs = Array.from({ length: 4000 }, (_, n) => ({ _id: new ObjectId(), n, lockedAt: new Date() }));
    await c.insertMany(docs);
    const listed = docs.filter((d) => d.n % 4 !== 0).slice(0, 3000);
    const result = await c.updateMany({ _id: { $in: listed.map((d) => d._id) } }, { $unset: { lockedAt: true } });
    expect(result.matchedCount).toBe(3000);
    expect(await c.countDocuments({ lockedAt: { $exists: false } })).toBe(3000);
    expect(await c.countDocuments({ _id: { $nin: listed.map((d) => d._id) } })).toBe(1000);
  });
});
