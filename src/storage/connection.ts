// The one place that decides which database Duban talks to: MONGODB_URI when
// set, otherwise the embedded server started in this process. Everything
// after this point (mongoose models, Agenda) uses the same code path.
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../core/logger.js';
import { EmbeddedMongoServer } from './embedded/server.js';

export interface DatabaseHandle {
  connection: Connection;
  uri: string;
  kind: 'external' | 'embedded';
  /** Pings the database within `timeoutMs`; false when it does not answer. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  mongodbUri?: string;
  dataDir?: string;
  /** Database name used with the embedded server (an external URI names its own). */
  dbName?: string;
  logger: Logger;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const { logger } = options;
  let embedded: EmbeddedMongoServer | undefined;
  let uri = options.mongodbUri;
  if (!uri) {
    embedded = await EmbeddedMongoServer.start({
      dataDir: options.dataDir,
      log: (level, message, detail) => logger[level]({ detail }, `embedded db: ${message}`),
    });
    uri = embedded.uri;
    logger.info({ uri, dataDir: options.dataDir ?? null }, 'using the embedded MongoDB-compatible server (MONGODB_URI not set)');
  } else {
    logger.info({ uri: redactUri(uri) }, 'using MongoDB from MONGODB_URI');
  }
  const connection = mongoose.createConnection(uri, {
    dbName: embedded ? (options.dbName ?? 'duban') : undefined,
    serverSelectionTimeoutMS: 10_000,
    // On a replica set a ticket, penalty or outbox write is acknowledged only once a majority
    // holds it, so a primary stepping down cannot take an acknowledged change with it; the
    // driver retries a write interrupted by the election once.
    ...(embedded ? {} : { retryWrites: true, writeConcern: { w: 'majority' as const, wtimeoutMS: 10_000 } }),
    // Keep `$`-operators out of filters built from user input.
    sanitizeFilter: true,
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    connection,
    uri,
    kind: embedded ? 'embedded' : 'external',
    async ping(timeoutMs = 2000) {
      const db = connection.db;
      if (!db || connection.readyState !== 1) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      try {
        return await Promise.race([db.command({ ping: 1 }).then((r) => r.ok === 1), timeout]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await connection.close();
      await embedded?.stop();
    },
  };
}

/** Hides credentials when logging a connection string. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}
