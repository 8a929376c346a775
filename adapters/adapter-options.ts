// What the composition root hands every chat platform adapter.
import type { Env } from '../src/config/env.js';
import type { Logger } from '../src/core/logger.js';
import type { Clock } from '../src/core/clock.js';
import type { HttpServer } from '../src/http/server.js';
import type { AdapterContext } from '../src/core/chat-adapter.js';

export interface AdapterOptions {
  env: Env;
  /** The shared HTTP server; an adapter registers its endpoints here when it is created. */
  http: HttpServer;
  context: AdapterContext;
  logger: Logger;
  clock: Clock;
}
