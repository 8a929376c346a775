// Telling "the database cannot be reached right now" apart from every other
// failure. Such a failure is not a bug and not the person's fault: the command
// is answered with "can't save right now, try again in a minute" in their
// language, and the process carries on while the driver reconnects by itself.
import { CodedError } from '../core/errors.js';

/** The code the router answers when a command could not be saved because the database is unreachable. */
export const DB_UNAVAILABLE = 'db.unavailable';

// Driver and mongoose errors that mean the server could not be reached or the connection broke.
const UNREACHABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
]);

// Server answers that say "not now" rather than "no": shutting down, stepping down, electing.
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

const NETWORK_WORDS = /buffering timed out|client must be connected|connection .*closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|Server selection timed out|Topology is closed/i;

/** True when `err` (or an error it wraps) says the database is unreachable for now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    if (e instanceof CodedError) return e.code === DB_UNAVAILABLE;
    if (typeof name === 'string' && UNREACHABLE_NAMES.has(name)) return true;
    if (typeof code === 'number' && UNAVAILABLE_CODES.has(code) && typeof name === 'string' && name.startsWith('Mongo')) return true;
    // mongoose's own wording when an operation waited for a connection that never came back, and
    // bulk writes (insertMany), which carry the network failure only in their message.
    if (typeof message === 'string' && typeof name === 'string' && /Mongo/.test(name) && NETWORK_WORDS.test(message)) return true;
  }
  return false;
}

/** The coded error for a database outage, or undefined when `err` is something else. */
export function asDatabaseUnavailable(err: unknown): CodedError | undefined {
  return isDatabaseUnavailable(err) ? new CodedError(DB_UNAVAILABLE) : undefined;
}
