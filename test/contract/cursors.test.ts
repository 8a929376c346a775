// Parity: cursor batching, getMore, killCursors and single-batch finds, as
// observed through the driver's command monitoring.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import {
  Long,
  MongoServerError,
  type Collection,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Db,
  type Document,
  type MongoClient,
} from 'mongodb';
import { connectClient, rejection, startTestDatabase, type TestDatabase } from '../support/mongo.js';

const TOTAL = 5000;
let tdb: TestDatabase;
let client: MongoClient;
let db: Db;
let big: Collection<any>;
let started: CommandStartedEvent[] = [];
/** `reply` is typed `unknown` by the driver; these tests read cursor fields from it. */
type Succeeded = CommandSucceededEvent & { reply: any };
let succeeded: Succeeded[] = [];

beforeAll(async () => {
  tdb = await startTestDatabase('cur');
  client = await connectClient(tdb.uri, { monitorCommands: true });
  client.on('commandStarted', (e) => started.push(e));
  client.on('commandSucceeded', (e) => succeeded.push(e as Succeeded));
  db = client.db(tdb.dbName);
  big = db.collection('big');
  const docs = Array.from({ length: TOTAL }, (_, i) => ({ _id: i, n: i % 10, pad: 'x'.repeat(100) }));
  await big.insertMany(docs);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});
beforeEach(() => {
  started = [];
  succeeded = [];
});

const named = <E extends { commandName: string }>(events: E[], name: string): E[] => events.filter((e) => e.commandName === name);
/** Cursor ids come back as number or Long depending on magnitude; commands need a Long. */
const asLong = (v: unknown): Long => (v instanceof Long ? v : Long.fromNumber(Number(v)));
const isZero = (v: unknown): boolean => asLong(v).isZero();

describe('iteration', () => {
  it('iterates 5,000 documents with the default batch size: 101 first, then one getMore', async () => {
    const seen: number[] = [];
    for await (const doc of big.find().sort({ _id: 1 })) seen.push(doc._id);
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    const [find] = named(succeeded, 'find');
    expect(find.reply.cursor.firstBatch).toHaveLength(101);
    expect(isZero(find.reply.cursor.id)).toBe(false);
    const getMores = named(succeeded, 'getMore');
    expect(getMores).toHaveLength(1);
    expect(getMores[0].reply.cursor.nextBatch).toHaveLength(TOTAL - 101);
    expect(isZero(getMores[0].reply.cursor.id)).toBe(true);
    expect(named(started, 'killCursors')).toHaveLength(0);
  });

  it('iterates 5,000 documents in batches of 7', async () => {
    let count = 0;
    let last = -1;
    for await (const doc of big.find({}, { batchSize: 7 }).sort({ _id: 1 })) {
      expect(doc._id).toBe(last + 1);
      last = doc._id;
      count++;
    }
    expect(count).toBe(TOTAL);
    const [find] = named(succeeded, 'find');
    expect(find.reply.cursor.firstBatch).toHaveLength(7);
    const getMores = named(succeeded, 'getMore');
    // 7 + 713 * 7 + 2 = 5000
    expect(getMores).toHaveLength(714);
    expect(getMores.slice(0, -1).every((g) => g.reply.cursor.nextBatch.length === 7)).toBe(true);
    expect(getMores[713].reply.cursor.nextBatch).toHaveLength(2);
    expect(isZero(getMores[713].reply.cursor.id)).toBe(true);
  });

  it('iterates an unsorted full scan exactly once per document', async () => {
    const seen = new Set<number>();
    for await (const doc of big.find({}, { batchSize: 333 })) seen.add(doc._id);
    expect(seen.size).toBe(TOTAL);
  });

  it('applies filter, skip and limit across batches', async () => {
    const docs = await big.find({ n: 3 }).sort({ _id: 1 }).skip(10).limit(250).batchSize(40).toArray();
    expect(docs).toHaveLength(250);
    expect(docs[0]._id).toBe(103);
    expect(docs[249]._id).toBe(103 + 249 * 10);
    expect(named(started, 'getMore')).toHaveLength(6);
    const tail = await big.find().sort({ _id: 1 }).skip(TOTAL - 10).toArray();
    expect(tail.map((d) => d._id)).toEqual(Array.from({ length: 10 }, (_, i) => TOTAL - 10 + i));
  });

  it('next() and hasNext() walk the cursor and return null at the end', async () => {
    const cursor = big.find({ _id: { $lt: 3 } }).sort({ _id: -1 });
    expect(await cursor.hasNext()).toBe(true);
    expect((await cursor.next())?._id).toBe(2);
    expect((await cursor.next())?._id).toBe(1);
    expect((await cursor.next())?._id).toBe(0);
    expect(await cursor.hasNext()).toBe(false);
    expect(await cursor.next()).toBeNull();
  });

  it('a find on a missing collection returns an empty, closed cursor', async () => {
    expect(await db.collection('nope').find({}).toArray()).toEqual([]);
    const [find] = named(succeeded, 'find');
    expect(find.reply.cursor.firstBatch).toEqual([]);
    expect(isZero(find.reply.cursor.id)).toBe(true);
  });
});

describe('getMore', () => {
  it('continues a cursor opened by a raw find command', async () => {
    const first = await db.command({ find: 'big', filter: {}, sort: { _id: 1 }, batchSize: 2 });
    expect(first.cursor.ns).toBe(`${tdb.dbName}.big`);
    expect(first.cursor.firstBatch.map((d: Document) => d._id)).toEqual([0, 1]);
    expect(isZero(first.cursor.id)).toBe(false);
    const next = await db.command({ getMore: asLong(first.cursor.id), collection: 'big', batchSize: 3 });
    expect(next.cursor.ns).toBe(`${tdb.dbName}.big`);
    expect(next.cursor.nextBatch.map((d: Document) => d._id)).toEqual([2, 3, 4]);
    expect(asLong(next.cursor.id).equals(asLong(first.cursor.id))).toBe(true);
    await db.command({ killCursors: 'big', cursors: [asLong(first.cursor.id)] });
  });

  it('getMore on an unknown cursor fails with CursorNotFound (43)', async () => {
    const err = await rejection(db.command({ getMore: Long.fromString('123456789'), collection: 'big' }));
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(43);
  });

  it('getMore on an exhausted cursor fails with CursorNotFound (43)', async () => {
    const r = await db.command({ find: 'big', filter: { _id: { $lt: 5 } }, sort: { _id: 1 }, batchSize: 2 });
    const id = asLong(r.cursor.id);
    const rest = await db.command({ getMore: id, collection: 'big', batchSize: 100 });
    expect(rest.cursor.nextBatch.map((d: Document) => d._id)).toEqual([2, 3, 4]);
    expect(isZero(rest.cursor.id)).toBe(true);
    expect((await rejection(db.command({ getMore: id, collection: 'big' }))).code).toBe(43);
  });
});

describe('closing cursors', () => {
  it('cursor.close() kills the server cursor', async () => {
    const cursor = big.find({}, { batchSize: 2 });
    await cursor.next();
    const id = cursor.id!;
    expect(id.isZero()).toBe(false);
    await cursor.close();
    const kills = named(started, 'killCursors');
    expect(kills).toHaveLength(1);
    expect(kills[0].command.killCursors).toBe('big');
    expect(String(kills[0].command.cursors[0])).toBe(String(id));
    const [killed] = named(succeeded, 'killCursors');
    expect(killed.reply.cursorsKilled.map(String)).toEqual([String(id)]);
    expect((await rejection(db.command({ getMore: id, collection: 'big' }))).code).toBe(43);
  });

  it('killCursors reports killed and unknown ids', async () => {
    const r = await db.command({ find: 'big', filter: {}, batchSize: 1 });
    const id = asLong(r.cursor.id);
    const unknown = Long.fromString('987654321');
    const res = await db.command({ killCursors: 'big', cursors: [id, unknown] });
    expect(res.ok).toBe(1);
    expect(res.cursorsKilled.map(String)).toEqual([String(id)]);
    expect(res.cursorsNotFound.map(String)).toEqual([String(unknown)]);
    expect(res.cursorsAlive).toEqual([]);
    expect(res.cursorsUnknown).toEqual([]);
  });

  it('breaking out of for-await closes the cursor', async () => {
    for await (const doc of big.find({}, { batchSize: 5 })) {
      if (doc) break;
    }
    expect(named(succeeded, 'killCursors')).toHaveLength(1);
  });
});

describe('single batch', () => {
  it('limit(-N) returns one batch of N and leaves no cursor open', async () => {
    const docs = await big.find().sort({ _id: 1 }).limit(-3).toArray();
    expect(docs.map((d) => d._id)).toEqual([0, 1, 2]);
    const [find] = named(started, 'find');
    expect(find.command.limit).toBe(3);
    expect(find.command.singleBatch).toBe(true);
    const [reply] = named(succeeded, 'find');
    expect(isZero(reply.reply.cursor.id)).toBe(true);
    expect(named(started, 'getMore')).toHaveLength(0);
    expect(named(started, 'killCursors')).toHaveLength(0);
  });

  it('limit(-N) with N above the default batch returns only the first batch (101)', async () => {
    const docs = await big.find().sort({ _id: 1 }).limit(-300).toArray();
    expect(docs).toHaveLength(101);
    expect(named(started, 'getMore')).toHaveLength(0);
  });

  it('singleBatch with an explicit batchSize', async () => {
    const docs = await big.find({}, { singleBatch: true, batchSize: 20 }).toArray();
    expect(docs).toHaveLength(20);
    const [reply] = named(succeeded, 'find');
    expect(isZero(reply.reply.cursor.id)).toBe(true);
    expect(named(started, 'getMore')).toHaveLength(0);
  });

  it('a positive limit smaller than the first batch closes the cursor at once', async () => {
    const docs = await big.find().sort({ _id: -1 }).limit(5).toArray();
    expect(docs.map((d) => d._id)).toEqual([4999, 4998, 4997, 4996, 4995]);
    const [reply] = named(succeeded, 'find');
    expect(isZero(reply.reply.cursor.id)).toBe(true);
  });
});
