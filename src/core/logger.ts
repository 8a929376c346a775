// Structured logs (JSON lines) for every part of the bot.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'duban' }, redact: { paths: ['*.token', '*.secret', '*.password', 'headers.authorization'], remove: true } },
    destination as never,
  );
}
