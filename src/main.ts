// Process entry point: configuration, logging, start, graceful shutdown.
import { ConfigError, loadEnv } from './config/env.js';
import { createLogger } from './core/logger.js';
import { startApp } from './app.js';

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  const app = await startApp(env, logger, { rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`Duban failed to start: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
