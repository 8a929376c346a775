// Wires the concrete pieces together. main.ts runs it as a process; tests run
// it in-process with their own environment.
import type { Env } from './config/env.js';
import type { Logger } from './core/logger.js';
import { openDatabase, type DatabaseHandle } from './storage/connection.js';
import { createHttpServer } from './http/server.js';
import { registerHealthRoutes } from './http/health.routes.js';

export interface RunningApp {
  port: number;
  database: DatabaseHandle;
  stop(): Promise<void>;
}

export async function startApp(env: Env, logger: Logger): Promise<RunningApp> {
  const database = await openDatabase({ mongodbUri: env.MONGODB_URI, dataDir: env.DATA_DIR, logger });
  let shuttingDown = false;
  const http = createHttpServer(logger);
  registerHealthRoutes(http, { ping: () => database.ping(), isShuttingDown: () => shuttingDown });
  let port: number;
  try {
    port = await http.listen(env.PORT, env.HOST);
  } catch (err) {
    await database.close();
    throw err;
  }
  logger.info({ port }, `Duban is listening on http://localhost:${port} (health: /healthz, readiness: /readyz)`);
  return {
    port,
    database,
    async stop() {
      shuttingDown = true;
      await http.close();
      await database.close();
    },
  };
}
