// Bearer-token checks for the admin API and a guarded console, in constant time.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** True when the request carries `token` as `Authorization: Bearer …` (or `?token=` when allowed). */
export function hasToken(req: IncomingMessage, token: string, options: { allowQuery?: boolean } = {}): boolean {
  const header = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  const query = options.allowQuery ? (new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? '') : '';
  const given = Buffer.from(header || query);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
