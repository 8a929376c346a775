// The database a fault suite's bot runs on: a real MongoDB when MONGODB_URI is
// set (a database of its own, dropped at the end), otherwise the embedded
// server as its own process with its data on disk — which the suites may then
// stop and start again.
import type { Db, MongoClient } from 'mongodb';
import { withDbName } from '../../support/app.js';
import { connectClient, uniqueDbName, usingRealMongo } from '../../support/mongo.js';
import { DbProcess, tempDir } from './processes.js';

export interface SuiteDatabase {
  /** MONGODB_URI for the bot (names its database). */
  uri: string;
  /** The embedded server's process; undefined on a real MongoDB. */
  process?: DbProcess;
  /** A client of the test's own, for reading what the bot stored. */
  db(): Promise<Db>;
  close(): Promise<void>;
}

export async function startSuiteDatabase(prefix: string): Promise<SuiteDatabase> {
  const dbName = uniqueDbName(prefix);
  let server: DbProcess | undefined;
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  let base = process.env.MONGODB_URI ?? '';
  if (!usingRealMongo) {
    dir = await tempDir(prefix);
    server = await DbProcess.start(dir.path);
    base = server.uri;
  }
  let client: MongoClient | undefined;
  const db = async (): Promise<Db> => {
    // Short timeouts: a read during an outage fails at once instead of hanging the test.
    client ??= await connectClient(base, { serverSelectionTimeoutMS: 3000 });
    return client.db(dbName);
  };
  return {
    uri: withDbName(base, dbName),
    process: server,
    db,
    async close() {
      if (usingRealMongo) await (await db()).dropDatabase().catch(() => undefined);
      await client?.close(true).catch(() => undefined);
      await server?.kill('SIGTERM');
      await dir?.remove();
    },
  };
}
