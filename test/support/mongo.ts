// Test database bootstrap shared by the contract and integration suites.
//
// With MONGODB_URI set every suite runs against that real MongoDB (each call
// gets its own uniquely named database, dropped again on stop). Otherwise an
// in-memory embedded server is started on a free loopback port, one per call.
import { randomBytes } from 'node:crypto';
import { describe, it } from '@jest/globals';
import { MongoClient, type MongoClientOptions } from 'mongodb';

export interface TestDatabase {
  /** Connection string (no database name is implied; use `dbName`). */
  uri: string;
  /** A database name unique to this call. */
  dbName: string;
  /** Drops the database (real MongoDB) or stops the embedded server. */
  stop(): Promise<void>;
}

/** True when the suites run against a real MongoDB given by MONGODB_URI. */
export const usingRealMongo: boolean = Boolean(process.env.MONGODB_URI);

/** `describe`, skipped when running against a real MongoDB. */
export const describeEmbeddedOnly = usingRealMongo ? describe.skip : describe;
/** `it`, skipped when running against a real MongoDB. */
export const itEmbeddedOnly = usingRealMongo ? it.skip : it;

export function uniqueDbName(prefix = 'test'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function startTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const dbName = uniqueDbName(prefix);
  const external = process.env.MONGODB_URI;
  if (external) {
    return {
      uri: external,
      dbName,
      async stop() {
        const client = await connectClient(external);
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  }
  // Imported lazily so that runs against a real MongoDB never load the embedded server.
  const { EmbeddedMongoServer } = await import('../../src/storage/embedded/server.js');
  const server = await EmbeddedMongoServer.start({ host: '127.0.0.1', port: 0 });
  return { uri: server.uri, dbName, stop: () => server.stop() };
}

/** A connected MongoClient with short timeouts, so a dead server fails fast. */
export async function connectClient(uri: string, options: MongoClientOptions = {}): Promise<MongoClient> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    socketTimeoutMS: 60000,
    ...options,
  });
  await client.connect();
  return client;
}

/** Resolves with the rejection of `p`, failing if `p` resolves. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 10000, intervalMs = 50, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
