import { describe, it, expect } from '@jest/globals';
import { AESCipher } from '@larksuiteoapi/node-sdk';
import { decryptFeishu, feishuSignature, verifyFeishuRequest, type FeishuSecrets } from '../../../../adapters/feishu/feishu.verify.js';
import {
  encryptFeishu,
  FEISHU_ENCRYPT_KEY,
  FEISHU_TOKEN,
  feishuCardAction,
  feishuLegacyCardAction,
  feishuMessageEvent,
  feishuUrlVerification,
  signFeishu,
  signLegacyCard,
} from '../../../support/feishu-requests.js';

const NOW = new Date('2026-03-02T08:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);
const both: FeishuSecrets = { encryptKey: FEISHU_ENCRYPT_KEY, verificationToken: FEISHU_TOKEN };

function request(payload: unknown, options: { encrypt?: boolean; sign?: boolean; timestamp?: number; headers?: Record<string, string> } = {}) {
  const wire = options.encrypt === false ? payload : encryptFeishu(payload);
  const text = JSON.stringify(wire);
  const headers = options.sign === false ? {} : signFeishu(text, { timestamp: options.timestamp ?? nowSeconds });
  return { raw: Buffer.from(text), headers: { ...headers, ...options.headers } };
}

describe('verifyFeishuRequest', () => {
  it('accepts a signed, encrypted event and returns the decrypted body', () => {
    const event = feishuMessageEvent({ text: '认领 T-12' });
    const result = verifyFeishuRequest({ ...request(event), secrets: both, now: NOW, endpoint: 'events' });
    expect(result).toMatchObject({ ok: true, legacyCard: false });
    expect(result.ok && result.body).toEqual(event);
  });

  it('refuses a body whose signature does not match, even by one character', () => {
    const { raw, headers } = request(feishuMessageEvent({ text: 'claim T-1' }));
    const sig = headers['x-lark-signature'];
    const forged = { ...headers, 'x-lark-signature': (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1) };
    expect(verifyFeishuRequest({ raw, headers: forged, secrets: both, now: NOW, endpoint: 'events' })).toEqual({ ok: false, status: 401, reason: 'X-Lark-Signature does not match' });
  });

  it('refuses a body changed after signing', () => {
    const { raw, headers } = request(feishuMessageEvent({ text: 'claim T-1' }));
    const changed = Buffer.from(raw.toString().replace(/"}$/, 'A"}'));
    expect(verifyFeishuRequest({ raw: changed, headers, secrets: both, now: NOW, endpoint: 'events' })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a signature made with another encrypt key', () => {
    const text = JSON.stringify(encryptFeishu(feishuMessageEvent({ text: 'x' })));
    const headers = signFeishu(text, { timestamp: nowSeconds, encryptKey: 'some-other-key' });
    expect(verifyFeishuRequest({ raw: Buffer.from(text), headers, secrets: both, now: NOW, endpoint: 'events' })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses timestamps more than 5 minutes old or ahead, and accepts them just inside the window', () => {
    const event = feishuMessageEvent({ text: 'x' });
    const at = (offset: number) => verifyFeishuRequest({ ...request(event, { timestamp: nowSeconds + offset }), secrets: both, now: NOW, endpoint: 'events' });
    expect(at(-301)).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('5 minutes') });
    expect(at(301)).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('5 minutes') });
    expect(at(-299).ok).toBe(true);
    expect(at(299).ok).toBe(true);
  });

  it('refuses a wrong verification token even when the signature is right', () => {
    const event = feishuMessageEvent({ text: 'x', token: 'not-the-token' });
    expect(verifyFeishuRequest({ ...request(event), secrets: both, now: NOW, endpoint: 'events' })).toEqual({ ok: false, status: 401, reason: 'verification token does not match' });
  });

  it('checks header.token on new-style card callbacks, not the card-update token in the event', () => {
    const good = feishuCardAction({ value: { action: 'claim', id: 'T-1' } });
    expect(good.event.token).toMatch(/^c-/);
    expect(verifyFeishuRequest({ ...request(good), secrets: both, now: NOW, endpoint: 'cards' }).ok).toBe(true);
    const bad = feishuCardAction({ value: { action: 'claim', id: 'T-1' }, token: 'wrong' });
    expect(verifyFeishuRequest({ ...request(bad), secrets: both, now: NOW, endpoint: 'cards' })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses an unsigned event when an encrypt key is configured', () => {
    const result = verifyFeishuRequest({ ...request(feishuMessageEvent({ text: 'x' }), { sign: false }), secrets: both, now: NOW, endpoint: 'events' });
    expect(result).toEqual({ ok: false, status: 401, reason: 'missing X-Lark-Signature' });
  });

  it('answers an encrypted url_verification that arrives unsigned, after decrypting it and checking its token', () => {
    const ok = verifyFeishuRequest({ ...request(feishuUrlVerification('challenge-1'), { sign: false }), secrets: both, now: NOW, endpoint: 'events' });
    expect(ok).toMatchObject({ ok: true, challenge: 'challenge-1' });
    const wrongToken = verifyFeishuRequest({ ...request(feishuUrlVerification('challenge-2', 'wrong'), { sign: false }), secrets: both, now: NOW, endpoint: 'events' });
    expect(wrongToken).toMatchObject({ ok: false, status: 401 });
  });

  it('answers a plain url_verification with the right token when no encrypt key is set', () => {
    const secrets = { verificationToken: FEISHU_TOKEN };
    const ok = verifyFeishuRequest({ ...request(feishuUrlVerification('plain-1'), { encrypt: false, sign: false }), secrets, now: NOW, endpoint: 'cards' });
    expect(ok).toMatchObject({ ok: true, challenge: 'plain-1' });
    const bad = verifyFeishuRequest({ ...request(feishuUrlVerification('plain-2', 'nope'), { encrypt: false, sign: false }), secrets, now: NOW, endpoint: 'events' });
    expect(bad).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses an encrypted body when no encrypt key is configured, and a body that does not decrypt', () => {
    const event = feishuMessageEvent({ text: 'x' });
    expect(verifyFeishuRequest({ ...request(event, { sign: false }), secrets: { verificationToken: FEISHU_TOKEN }, now: NOW, endpoint: 'events' })).toMatchObject({ ok: false, status: 401 });
    const garbage = JSON.stringify({ encrypt: Buffer.alloc(48, 7).toString('base64') });
    const headers = signFeishu(garbage, { timestamp: nowSeconds });
    expect(verifyFeishuRequest({ raw: Buffer.from(garbage), headers, secrets: both, now: NOW, endpoint: 'events' })).toMatchObject({ ok: false, status: 401 });
  });

  it('without an encrypt key relies on the token (Feishu signs nothing then) but still keeps the time window', () => {
    const secrets = { verificationToken: FEISHU_TOKEN };
    const event = feishuMessageEvent({ text: 'x' });
    const plain = (headers: Record<string, string>, body = event) => verifyFeishuRequest({ raw: Buffer.from(JSON.stringify(body)), headers, secrets, now: NOW, endpoint: 'events' });
    expect(plain({}).ok).toBe(true);
    expect(plain({ 'x-lark-request-timestamp': String(nowSeconds), 'x-lark-request-nonce': 'n', 'x-lark-signature': 'unverifiable' }).ok).toBe(true);
    expect(plain({ 'x-lark-request-timestamp': String(nowSeconds - 600), 'x-lark-signature': 'x' })).toMatchObject({ ok: false, status: 401 });
    expect(plain({}, feishuMessageEvent({ text: 'x', token: 'wrong' }))).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 400 to a body that is not JSON', () => {
    expect(verifyFeishuRequest({ raw: Buffer.from('nope'), headers: {}, secrets: both, now: NOW, endpoint: 'events' })).toMatchObject({ ok: false, status: 400 });
  });

  it('accepts an old-style card callback signed with sha1 and the verification token, and refuses it unsigned or forged', () => {
    const legacy = feishuLegacyCardAction({ value: { action: 'claim', id: 'T-3' } });
    const text = JSON.stringify(legacy);
    const secrets = { verificationToken: FEISHU_TOKEN };
    const signed = verifyFeishuRequest({ raw: Buffer.from(text), headers: signLegacyCard(text, { timestamp: nowSeconds }), secrets, now: NOW, endpoint: 'cards' });
    expect(signed).toMatchObject({ ok: true, legacyCard: true });
    expect(verifyFeishuRequest({ raw: Buffer.from(text), headers: {}, secrets, now: NOW, endpoint: 'cards' })).toMatchObject({ ok: false, status: 401 });
    const forged = signLegacyCard(text, { timestamp: nowSeconds, token: 'guess' });
    expect(verifyFeishuRequest({ raw: Buffer.from(text), headers: forged, secrets, now: NOW, endpoint: 'cards' })).toMatchObject({ ok: false, status: 401 });
    const stale = signLegacyCard(text, { timestamp: nowSeconds - 3600 });
    expect(verifyFeishuRequest({ raw: Buffer.from(text), headers: stale, secrets, now: NOW, endpoint: 'cards' })).toMatchObject({ ok: false, status: 401 });
  });

  it('accepts an encrypted old-style callback on the strength of its signature (its token is the card-update credential)', () => {
    const legacy = feishuLegacyCardAction({ value: { action: 'claim', id: 'T-4' } });
    expect(verifyFeishuRequest({ ...request(legacy), secrets: both, now: NOW, endpoint: 'cards' })).toMatchObject({ ok: true, legacyCard: true });
    expect(verifyFeishuRequest({ ...request(legacy, { sign: false }), secrets: both, now: NOW, endpoint: 'cards' })).toMatchObject({ ok: false, status: 401 });
  });

  it('signs the raw bytes: sha256(timestamp + nonce + key + body) as lowercase hex', () => {
    const body = '{"encrypt":"abc"}';
    expect(feishuSignature('1700000000', 'n0nce', 'k', body)).toMatch(/^[0-9a-f]{64}$/);
    expect(feishuSignature('1700000000', 'n0nce', 'k', body)).toBe(signFeishu(body, { timestamp: 1700000000, nonce: 'n0nce', encryptKey: 'k' })['x-lark-signature']);
  });

  it('decrypts what the test builder encrypts, and agrees with the SDK cipher', () => {
    const { encrypt } = encryptFeishu({ hello: '世界' }, 'k1');
    expect(JSON.parse(decryptFeishu(encrypt, 'k1'))).toEqual({ hello: '世界' });
    expect(new AESCipher('k1').decrypt(encrypt)).toBe(decryptFeishu(encrypt, 'k1'));
    expect(() => decryptFeishu(encrypt, 'k2')).toThrow();
  });
});
