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
  /** How long an operation waits for a reachable server before failing (default 2 s). */
  serverSelectionTimeoutMS?: number;
}

/**
 * During an outage every operation fails after this long instead of the driver's 30 s, so a
 * command is answered "try again in a minute" within a chat platform's 3 s.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 2_000;
/** Start-up keeps trying to reach the database this long (a server that starts alongside us). */
const FIRST_CONNECT_MS = 15_000;

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
  let connection: Connection;
  try {
    connection = await connectWithRetry(uri, {
      dbName: embedded ? (options.dbName ?? 'duban') : undefined,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? SERVER_SELECTION_TIMEOUT_MS,
      // No queueing while disconnected: an operation goes to the driver, which fails it after the
      // selection timeout, rather than waiting in mongoose's buffer for 10 s.
      bufferCommands: false,
      // On a replica set a ticket, penalty or outbox write is acknowledged only once a majority
      // holds it, so a primary stepping down cannot take an acknowledged change with it; the
      // driver retries a write interrupted by the election once.
      ...(embedded ? {} : { retryWrites: true, writeConcern: { w: 'majority' as const, wtimeoutMS: 10_000 } }),
      // Keep `$`-operators out of filters built from user input.
      sanitizeFilter: true,
    });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  // The driver reconnects by itself after an outage; these lines say when it lost and found the server.
  let closing = false;
  connection.on('disconnected', () => {
    if (!closing) logger.warn('database connection lost; commands are answered "try again" until it is back');
  });
  connection.on('reconnected', () => logger.info('database connection is back'));
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
      closing = true;
      await connection.close();
      await embedded?.stop();
    },
  };
}

/** The first connection, tried again for a while: selection fails fast, a slow start should not. */
async function connectWithRetry(uri: string, options: mongoose.ConnectOptions): Promise<Connection> {
  const deadline = Date.now() + FIRST_CONNECT_MS;
  for (;;) {
    const connection = mongoose.createConnection(uri, options);
    try {
      return await connection.asPromise();
    } catch (err) {
      await connection.close().catch(() => undefined);
      if (Date.now() > deadline || (err as { name?: string }).name !== 'MongooseServerSelectionError') throw err;
    }
  }
}

/** Hides credentials when logging a connection string. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}
