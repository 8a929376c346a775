// Starts the real app (HTTP server, console API, admin API) on a fresh test
// database with a quiet logger, for scenario tests that drive it over HTTP.
import { Writable } from 'node:stream';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/core/logger.js';
import type { Clock } from '../../src/core/clock.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { startTestDatabase, type TestDatabase } from './mongo.js';
import { ConsoleClient } from './console-client.js';

export interface TestApp {
  app: RunningApp;
  db: TestDatabase;
  baseUrl: string;
  client: ConsoleClient;
  /** Log lines written by the app (error level and above only). */
  logs: string[];
  stop(): Promise<void>;
}

/** Puts `dbName` into a connection string that names no database, so every test file gets its own. */
export function withDbName(uri: string, dbName: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?([^?]*)(\?.*)?$/.exec(uri);
  if (!m) return uri;
  return `${m[1]}/${m[2] || dbName}${m[3] ?? ''}`;
}

export function quietLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('error', sink), lines };
}

export interface TestAppOptions {
  clock?: Clock;
  /** Prefix of the test database name. */
  prefix?: string;
  /** Extra environment (e.g. ORG_FILE). */
  env?: Record<string, string>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = await startTestDatabase(options.prefix ?? 'scenario');
  const { logger, lines } = quietLogger();
  let app: RunningApp;
  try {
    const env = loadEnv({ ...options.env, PORT: '0', HOST: '127.0.0.1', MONGODB_URI: withDbName(db.uri, db.dbName) });
    app = await startApp(env, logger, { clock: options.clock });
  } catch (err) {
    await db.stop();
    throw err;
  }
  const baseUrl = `http://127.0.0.1:${app.port}`;
  return {
    app,
    db,
    baseUrl,
    client: new ConsoleClient(baseUrl, app.adminToken),
    logs: lines,
    async stop() {
      await app.stop();
      await db.stop();
    },
  };
}
