// Authenticates a Feishu push before anything else looks at it. The Node SDK
// answers 200 to a bad signature, has no timestamp window and hashes a
// re-serialised body, so Duban checks the raw bytes itself:
//   signed pushes     X-Lark-Signature = sha256(timestamp + nonce + encryptKey + raw body)
//   old card clicks   X-Lark-Signature = sha1(timestamp + nonce + verificationToken + raw body)
//   every push        timestamp within 5 minutes either way, verification token matches
// then decrypts `{ "encrypt": … }` bodies (AES-256-CBC, key sha256(encryptKey), IV first 16 bytes).
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface FeishuSecrets {
  encryptKey?: string;
  verificationToken?: string;
}

export type FeishuEndpoint = 'events' | 'cards';

export type VerifyResult =
  | { ok: true; body: Record<string, unknown>; challenge?: string; legacyCard: boolean }
  | { ok: false; status: 400 | 401; reason: string };

export interface VerifyInput {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  secrets: FeishuSecrets;
  now: Date;
  endpoint: FeishuEndpoint;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compares secrets in constant time (a different length is simply unequal). */
export function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const sameDigest = (expected: string, given: string) => constantTimeEqual(expected.toLowerCase(), given.trim().toLowerCase());

export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, raw: Buffer | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(raw).digest('hex');
}

export function legacyCardSignature(timestamp: string, nonce: string, verificationToken: string, raw: Buffer | string): string {
  return createHash('sha1').update(timestamp + nonce + verificationToken).update(raw).digest('hex');
}

export function decryptFeishu(encrypt: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const data = Buffer.from(encrypt, 'base64');
  if (data.length < 32 || data.length % 16 !== 0) throw new Error('encrypted body has the wrong length');
  const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

/** Seconds since the epoch as Feishu sends them, within the window around `now`. */
function timestampProblem(raw: string | undefined, now: Date): string | undefined {
  if (raw === undefined) return 'missing X-Lark-Request-Timestamp';
  if (!/^\d{1,13}$/.test(raw.trim())) return 'X-Lark-Request-Timestamp is not a number of seconds';
  const skew = Math.abs(now.getTime() - Number(raw.trim()) * 1000);
  if (skew > MAX_CLOCK_SKEW_MS) return 'X-Lark-Request-Timestamp is more than 5 minutes away from now';
  return undefined;
}

const fail = (status: 400 | 401, reason: string): VerifyResult => ({ ok: false, status, reason });

export function verifyFeishuRequest({ raw, headers, secrets, now, endpoint }: VerifyInput): VerifyResult {
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw.toString('utf8'));
  } catch {
    return fail(400, 'body is not JSON');
  }
  if (!isObject(envelope)) return fail(400, 'body is not a JSON object');

  const encrypted = typeof envelope.encrypt === 'string';
  // Old-style card callbacks carry no schema and are signed with the verification token.
  const legacyShape = endpoint === 'cards' && !encrypted && !('schema' in envelope) && envelope.type !== 'url_verification';
  const signature = header(headers, 'x-lark-signature');
  const timestamp = header(headers, 'x-lark-request-timestamp');
  const nonce = header(headers, 'x-lark-request-nonce') ?? '';
  const { encryptKey, verificationToken } = secrets;

  let signed = false;
  // Without an encrypt key only old card callbacks carry a signature Duban can check.
  const checkable = !!encryptKey || (legacyShape && !!verificationToken);
  if (signature !== undefined && checkable) {
    const problem = timestampProblem(timestamp, now);
    if (problem) return fail(401, problem);
    const ts = timestamp ?? '';
    const byKey = !!encryptKey && sameDigest(feishuSignature(ts, nonce, encryptKey, raw), signature);
    const byToken = legacyShape && !!verificationToken && sameDigest(legacyCardSignature(ts, nonce, verificationToken, raw), signature);
    if (!byKey && !byToken) return fail(401, 'X-Lark-Signature does not match');
    signed = true;
  } else if (timestamp !== undefined) {
    const problem = timestampProblem(timestamp, now);
    if (problem) return fail(401, problem);
  }

  let body: Record<string, unknown> = envelope;
  if (encrypted) {
    if (!encryptKey) return fail(401, 'the body is encrypted but FEISHU_ENCRYPT_KEY is not set');
    try {
      const inner: unknown = JSON.parse(decryptFeishu(envelope.encrypt as string, encryptKey));
      if (!isObject(inner)) return fail(400, 'the decrypted body is not a JSON object');
      body = inner;
    } catch {
      return fail(401, 'the body cannot be decrypted with FEISHU_ENCRYPT_KEY');
    }
  }

  const challenge = body.type === 'url_verification' && typeof body.challenge === 'string' ? body.challenge : undefined;
  // With an encrypt key Feishu signs every push; only the URL check may arrive unsigned.
  if (!signed && encryptKey && challenge === undefined) return fail(401, 'missing X-Lark-Signature');
  // Old-style card clicks have no verification token in the body: their signature is the proof.
  if (legacyShape && verificationToken && !signed) return fail(401, 'missing X-Lark-Signature on a card callback');

  // An old-style callback may also arrive encrypted: its body `token` is then the card-update credential too.
  const legacyCard = endpoint === 'cards' && !('schema' in body) && body.type !== 'url_verification';
  if (verificationToken && !(legacyCard && signed)) {
    const headerToken = isObject(body.header) ? body.header.token : undefined;
    const token = 'schema' in body ? headerToken : body.token;
    if (typeof token !== 'string' || !constantTimeEqual(verificationToken, token)) return fail(401, 'verification token does not match');
  }
  return { ok: true, body, challenge, legacyCard };
}
