// Parity: server error codes for unsupported or invalid requests.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { MongoServerError, type Db, type MongoClient } from 'mongodb';
import { connectClient, itEmbeddedOnly, rejection, startTestDatabase, type TestDatabase } from '../support/mongo.js';

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  tdb = await startTestDatabase('err');
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

async function serverError(p: Promise<unknown>, code: number, codeName?: string): Promise<MongoServerError> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(MongoServerError);
  expect(err.code).toBe(code);
  if (codeName) expect(err.codeName).toBe(codeName);
  return err;
}

describe('commands', () => {
  it('an unknown command fails with CommandNotFound (59)', async () => {
    const err = await serverError(db.command({ noSuchCmd: 1 }), 59, 'CommandNotFound');
    expect(err.message).toBe("no such command: 'noSuchCmd'");
    await db.command({ ping: 1 });
  });

  it('ping and hello answer as a writable primary', async () => {
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const hello = await db.admin().command({ hello: 1 });
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.maxMessageSizeBytes).toBe(48_000_000);
    expect(hello.maxWriteBatchSize).toBe(100_000);
  });
});

describe('collections', () => {
  it('listIndexes on a missing collection fails with NamespaceNotFound (26)', async () => {
    await serverError(db.command({ listIndexes: 'no_such_coll' }), 26, 'NamespaceNotFound');
    await serverError(db.collection('no_such_coll').listIndexes().toArray(), 26);
  });

  // Since MongoDB 7.0 `create` is idempotent when the options are identical
  // (SERVER-60064); only differing options fail with NamespaceExists.
  it('re-creating an existing collection with identical options succeeds', async () => {
    await db.createCollection('exists_same');
    await db.createCollection('exists_same');
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names.filter((n) => n === 'exists_same')).toHaveLength(1);
  });

  it('creating an existing collection with different options fails with NamespaceExists (48)', async () => {
    await db.createCollection('exists_once');
    await serverError(db.createCollection('exists_once', { capped: true, size: 4096 }), 48, 'NamespaceExists');
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names.filter((n) => n === 'exists_once')).toHaveLength(1);
  });

  it('dropping a collection removes it from listCollections', async () => {
    await db.collection('to_drop').insertOne({ a: 1 });
    expect(await db.collection('to_drop').drop()).toBe(true);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('to_drop');
    expect(await db.collection('to_drop').countDocuments()).toBe(0);
  });
});

describe('invalid requests', () => {
  it('an unknown query operator fails with BadValue (2)', async () => {
    await serverError(db.collection('q').find({ a: { $frob: 1 } }).toArray(), 2, 'BadValue');
  });

  it('an unknown pipeline stage fails with 40324', async () => {
    await serverError(db.collection('q').aggregate([{ $frob: {} }]).toArray(), 40324);
  });

  it('an unknown expression operator fails with InvalidPipelineOperator (168)', async () => {
    await db.collection('q').insertOne({ a: 1 });
    await serverError(db.collection('q').aggregate([{ $project: { x: { $frob: 1 } } }]).toArray(), 168, 'InvalidPipelineOperator');
  });

  it('an array _id fails with InvalidIdField (53)', async () => {
    const err = await rejection(db.collection('q').insertOne({ _id: [1, 2] as any }));
    expect(err.code).toBe(53);
    expect(await db.collection('q').countDocuments({ _id: [1, 2] as any })).toBe(0);
  });
});

describe('replica-set-only features on a standalone', () => {
  itEmbeddedOnly('transactions fail with IllegalOperation (20)', async () => {
    const session = client.startSession();
    try {
      const err = await rejection(
        session.withTransaction(async () => {
          await db.collection('tx').insertOne({ a: 1 }, { session });
        }),
      );
      // For writes the driver re-wraps code 20 as "does not support retryable writes"
      // and keeps the server's error as originalError.
      expect(err).toBeInstanceOf(MongoServerError);
      expect(err.originalError).toBeInstanceOf(MongoServerError);
      expect(err.originalError.code).toBe(20);
      expect(err.originalError.message).toBe('Transaction numbers are only allowed on a replica set member or mongos');
    } finally {
      await session.endSession();
    }
    expect(await db.collection('tx').countDocuments()).toBe(0);
  });

  itEmbeddedOnly('a read inside a transaction fails with IllegalOperation (20)', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await rejection(db.collection('tx').findOne({}, { session }));
      expect(err).toBeInstanceOf(MongoServerError);
      expect(err.code).toBe(20);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
  });

  itEmbeddedOnly('change streams fail with 40573', async () => {
    const stream = db.collection('cs').watch();
    try {
      const err = await rejection(stream.tryNext());
      expect(err).toBeInstanceOf(MongoServerError);
      expect(err.code).toBe(40573);
    } finally {
      await stream.close();
    }
  });

  it('the connection keeps working after errors', async () => {
    await rejection(db.command({ noSuchCmd: 1 }));
    await rejection(db.command({ listIndexes: 'nope' }));
    await db.collection('after').insertOne({ ok: true });
    expect(await db.collection('after').countDocuments()).toBe(1);
  });
});
