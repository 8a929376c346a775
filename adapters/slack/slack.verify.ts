// Slack request signing (v0): HMAC-SHA256 over `v0:{timestamp}:{raw body}`
// with the app's signing secret. Checked on the raw bytes before anything is
// parsed, so a forged or replayed request is refused without being handled.
// Bolt's own check rejects only old timestamps; this one also refuses
// timestamps from the future, and takes the time from the injected clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** How far a request timestamp may be from now, either way. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type Verdict = { ok: true } | { ok: false; reason: string };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function slackSignature(secret: string, timestamp: string | number, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export function verifySlackRequest(input: { signingSecret: string; headers: IncomingHttpHeaders; rawBody: Buffer; now: Date }): Verdict {
  const signature = header(input.headers, 'x-slack-signature');
  const timestamp = header(input.headers, 'x-slack-request-timestamp');
  if (!signature) return { ok: false, reason: 'missing x-slack-signature header' };
  if (!timestamp) return { ok: false, reason: 'missing x-slack-request-timestamp header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'x-slack-request-timestamp is not a Unix time in seconds' };
  const skew = Math.floor(input.now.getTime() / 1000) - Number(timestamp);
  if (skew > MAX_SKEW_SECONDS) return { ok: false, reason: 'request timestamp is more than 5 minutes old' };
  if (skew < -MAX_SKEW_SECONDS) return { ok: false, reason: 'request timestamp is more than 5 minutes in the future' };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch is simply a bad signature.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid x-slack-signature' };
  return { ok: true };
}
