// Parity: the aggregation stages the application relies on.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { connectClient, startTestDatabase, type TestDatabase } from '../support/mongo.js';

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;
let orders: Collection<any>;
let customers: Collection<any>;

beforeAll(async () => {
  tdb = await startTestDatabase('agg');
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
  orders = db.collection('orders');
  customers = db.collection('customers');
  await orders.insertMany([
    { _id: 1, cust: 'ann', item: 'pen', qty: 2, price: 1.5, tags: ['office', 'blue'] },
    { _id: 2, cust: 'bob', item: 'ink', qty: 1, price: 10, tags: ['office'] },
    { _id: 3, cust: 'ann', item: 'pad', qty: 5, price: 3, tags: [] },
    { _id: 4, cust: 'cid', item: 'pen', qty: 10, price: 1.5 },
    { _id: 5, cust: 'bob', item: 'pen', qty: 3, price: 1.5, tags: 'red' },
  ]);
  await customers.insertMany([
    { _id: 'ann', city: 'Oslo' },
    { _id: 'bob', city: 'Rome' },
    { _id: 'dan', city: 'Paris' },
  ]);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

const run = (pipeline: Document[], coll: Collection<any> = orders) => coll.aggregate(pipeline).toArray();

describe('single-collection stages', () => {
  it('$match, $sort and a computed $project', async () => {
    expect(
      await run([
        { $match: { item: 'pen' } },
        { $sort: { qty: -1 } },
        { $project: { _id: 0, cust: 1, total: { $multiply: ['$qty', '$price'] } } },
      ]),
    ).toEqual([
      { cust: 'cid', total: 15 },
      { cust: 'bob', total: 4.5 },
      { cust: 'ann', total: 3 },
    ]);
  });

  it('$project expressions', async () => {
    expect(
      await run([
        { $sort: { _id: 1 } },
        { $limit: 3 },
        {
          $project: {
            name: { $toUpper: '$cust' },
            label: { $concat: ['$cust', ':', '$item'] },
            ntags: { $size: { $ifNull: [{ $cond: [{ $isArray: '$tags' }, '$tags', ['$tags']] }, []] } },
            big: { $gt: ['$qty', 3] },
          },
        },
      ]),
    ).toEqual([
      { _id: 1, name: 'ANN', label: 'ann:pen', ntags: 2, big: false },
      { _id: 2, name: 'BOB', label: 'bob:ink', ntags: 1, big: false },
      { _id: 3, name: 'ANN', label: 'ann:pad', ntags: 0, big: true },
    ]);
  });

  it('$group with accumulators', async () => {
    const out = await run([
      { $sort: { _id: 1 } },
      {
        $group: {
          _id: '$cust',
          n: { $sum: 1 },
          qty: { $sum: '$qty' },
          avg: { $avg: '$qty' },
          max: { $max: '$qty' },
          min: { $min: '$qty' },
          items: { $push: '$item' },
          uniq: { $addToSet: '$item' },
          first: { $first: '$item' },
          last: { $last: '$item' },
          none: { $sum: '$missing' },
          noAvg: { $avg: '$missing' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    for (const g of out) g.uniq.sort();
    expect(out).toEqual([
      { _id: 'ann', n: 2, qty: 7, avg: 3.5, max: 5, min: 2, items: ['pen', 'pad'], uniq: ['pad', 'pen'], first: 'pen', last: 'pad', none: 0, noAvg: null },
      { _id: 'bob', n: 2, qty: 4, avg: 2, max: 3, min: 1, items: ['ink', 'pen'], uniq: ['ink', 'pen'], first: 'ink', last: 'pen', none: 0, noAvg: null },
      { _id: 'cid', n: 1, qty: 10, avg: 10, max: 10, min: 10, items: ['pen'], uniq: ['pen'], first: 'pen', last: 'pen', none: 0, noAvg: null },
    ]);
  });

  it('$group by null and by a compound key', async () => {
    expect(await run([{ $group: { _id: null, revenue: { $sum: { $multiply: ['$qty', '$price'] } }, n: { $count: {} } } }])).toEqual([
      { _id: null, revenue: 47.5, n: 5 },
    ]);
    expect(await run([{ $group: { _id: { item: '$item', cheap: { $lt: ['$price', 2] } }, q: { $sum: '$qty' } } }, { $sort: { q: 1 } }])).toEqual([
      { _id: { item: 'ink', cheap: false }, q: 1 },
      { _id: { item: 'pad', cheap: false }, q: 5 },
      { _id: { item: 'pen', cheap: true }, q: 15 },
    ]);
  });

  it('$sort, $skip and $limit', async () => {
    const ids = (docs: Document[]) => docs.map((d) => d._id);
    expect(ids(await run([{ $sort: { _id: -1 } }, { $skip: 1 }, { $limit: 2 }]))).toEqual([4, 3]);
    expect(ids(await run([{ $sort: { price: 1, qty: -1 } }]))).toEqual([4, 5, 1, 3, 2]);
    expect(await run([{ $skip: 10 }])).toEqual([]);
  });

  it('$unwind, with and without preserveNullAndEmptyArrays', async () => {
    expect(await run([{ $unwind: '$tags' }, { $project: { tags: 1 } }])).toEqual([
      { _id: 1, tags: 'office' },
      { _id: 1, tags: 'blue' },
      { _id: 2, tags: 'office' },
      { _id: 5, tags: 'red' },
    ]);
    expect(
      await run([{ $unwind: { path: '$tags', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } }, { $project: { tags: 1, i: 1 } }]),
    ).toEqual([
      { _id: 1, tags: 'office', i: 0 },
      { _id: 1, tags: 'blue', i: 1 },
      { _id: 2, tags: 'office', i: 0 },
      { _id: 3, i: null },
      { _id: 4, i: null },
      { _id: 5, tags: 'red', i: null },
    ]);
  });

  it('$count, $addFields/$set, $unset and $replaceRoot', async () => {
    expect(await run([{ $match: { item: 'pen' } }, { $count: 'pens' }])).toEqual([{ pens: 3 }]);
    expect(await run([{ $match: { item: 'zzz' } }, { $count: 'pens' }])).toEqual([]);
    expect(
      await run([{ $match: { _id: 2 } }, { $addFields: { total: { $multiply: ['$qty', '$price'] } } }, { $set: { x: 1 } }, { $unset: ['tags', 'price'] }]),
    ).toEqual([{ _id: 2, cust: 'bob', item: 'ink', qty: 1, total: 10, x: 1 }]);
    expect(await run([{ $match: { _id: 1 } }, { $replaceRoot: { newRoot: { who: '$cust', n: '$qty' } } }])).toEqual([{ who: 'ann', n: 2 }]);
  });
});

describe('$lookup and $facet', () => {
  it('$lookup by localField / foreignField', async () => {
    expect(
      await run([
        { $sort: { _id: 1 } },
        { $lookup: { from: 'customers', localField: 'cust', foreignField: '_id', as: 'c' } },
        { $project: { _id: 1, city: '$c.city' } },
      ]),
    ).toEqual([
      { _id: 1, city: ['Oslo'] },
      { _id: 2, city: ['Rome'] },
      { _id: 3, city: ['Oslo'] },
      { _id: 4, city: [] },
      { _id: 5, city: ['Rome'] },
    ]);
  });

  it('$lookup with let and a sub-pipeline', async () => {
    expect(
      await run(
        [
          {
            $lookup: {
              from: 'orders',
              let: { cid: '$_id' },
              pipeline: [{ $match: { $expr: { $eq: ['$cust', '$$cid'] } } }, { $sort: { qty: 1 } }, { $project: { _id: 0, qty: 1 } }],
              as: 'orders',
            },
          },
          { $sort: { _id: 1 } },
        ],
        customers,
      ),
    ).toEqual([
      { _id: 'ann', city: 'Oslo', orders: [{ qty: 2 }, { qty: 5 }] },
      { _id: 'bob', city: 'Rome', orders: [{ qty: 1 }, { qty: 3 }] },
      { _id: 'dan', city: 'Paris', orders: [] },
    ]);
  });

  it('$lookup from a missing collection yields empty arrays', async () => {
    const out = await run([{ $lookup: { from: 'nowhere', localField: 'cust', foreignField: 'x', as: 'r' } }, { $project: { r: 1 } }]);
    expect(out).toHaveLength(5);
    expect(out.every((d) => Array.isArray(d.r) && d.r.length === 0)).toBe(true);
  });

  it('$facet runs sub-pipelines over the same input', async () => {
    expect(
      await run([
        {
          $facet: {
            byItem: [{ $group: { _id: '$item', n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            total: [{ $count: 'n' }],
            top: [{ $sort: { qty: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
          },
        },
      ]),
    ).toEqual([
      {
        byItem: [
          { _id: 'ink', n: 1 },
          { _id: 'pad', n: 1 },
          { _id: 'pen', n: 3 },
        ],
        total: [{ n: 5 }],
        top: [{ _id: 4 }],
      },
    ]);
  });
});

describe('empty and missing collections', () => {
  it('every pipeline over a missing collection yields no documents', async () => {
    const missing = db.collection('missing');
    expect(await run([], missing)).toEqual([]);
    expect(await run([{ $match: { a: 1 } }], missing)).toEqual([]);
    expect(await run([{ $group: { _id: null, n: { $sum: 1 } } }], missing)).toEqual([]);
    expect(await run([{ $count: 'n' }], missing)).toEqual([]);
    expect(await run([{ $lookup: { from: 'orders', localField: 'a', foreignField: 'b', as: 'x' } }], missing)).toEqual([]);
  });

  it('$facet still emits one document over an empty collection', async () => {
    const empty = db.collection('empty');
    await db.createCollection('empty');
    expect(await run([{ $facet: { a: [{ $count: 'n' }], b: [{ $match: {} }] } }], empty)).toEqual([{ a: [], b: [] }]);
  });
});

describe('aggregate cursors', () => {
  it('returns large results across getMore batches', async () => {
    const many = db.collection<any>('many');
    await many.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, g: i % 3 })));
    const out = await many.aggregate([{ $match: { g: { $ne: 1 } } }, { $sort: { _id: -1 } }], { batchSize: 20 }).toArray();
    expect(out).toHaveLength(167);
    expect(out[0]).toEqual({ _id: 249, g: 0 });
    expect(out[166]).toEqual({ _id: 0, g: 0 });
  });
});
