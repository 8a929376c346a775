// What the admin commands (npm run export / org / customers) share: the same
// database the bot uses (same environment variables), logs on stderr so that
// stdout carries only the command's output, and an exit code. Each script
// runs its main only when started as a command, so tests can import it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { loadEnv, type Env } from '../src/config/env.js';
import { createLogger } from '../src/core/logger.js';
import { openDatabase } from '../src/storage/connection.js';

/** Opens the bot's database for one command and closes it afterwards, whatever happens. */
export async function withDatabase<T>(run: (conn: Connection, env: Env) => Promise<T>): Promise<T> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, process.stderr);
  const database = await openDatabase({ mongodbUri: env.MONGODB_URI, dataDir: env.DATA_DIR, logger });
  try {
    return await run(database.connection, env);
  } finally {
    await database.close();
  }
}

/** Runs `main` with the command-line arguments when `moduleUrl` is the script node was started with. */
export function runAsCommand(moduleUrl: string, name: string, main: (args: string[]) => Promise<number>): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== path.resolve(process.argv[1])) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`${name}: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
