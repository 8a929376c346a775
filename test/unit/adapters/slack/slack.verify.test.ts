import { describe, it, expect } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { slackSignature, verifySlackRequest } from '../../../../adapters/slack/slack.verify.js';
import { signSlack } from '../../../support/slack-requests.js';

const SECRET = 'verify-test-secret';
const NOW = new Date('2025-03-04T09:30:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);
const body = Buffer.from('token=x&team_id=T0TEST&command=%2Fticket&text=claim+T-12&trigger_id=1.2.3');

const check = (headers: Record<string, string>, raw = body, now = NOW) => verifySlackRequest({ signingSecret: SECRET, headers, rawBody: raw, now });

describe('Slack request verification', () => {
  it('accepts a request signed with the signing secret at the current time', () => {
    expect(check(signSlack(body.toString(), SECRET, nowSeconds))).toEqual({ ok: true });
  });

  it('accepts a timestamp up to 5 minutes off either way', () => {
    expect(check(signSlack(body.toString(), SECRET, nowSeconds - 299))).toEqual({ ok: true });
    expect(check(signSlack(body.toString(), SECRET, nowSeconds + 299))).toEqual({ ok: true });
  });

  it('refuses a signature made with another secret', () => {
    expect(check(signSlack(body.toString(), 'another-secret', nowSeconds))).toEqual({ ok: false, reason: 'invalid x-slack-signature' });
  });

  it('refuses a body changed after signing', () => {
    const headers = signSlack(body.toString(), SECRET, nowSeconds);
    expect(check(headers, Buffer.from(body.toString().replace('claim', 'close')))).toMatchObject({ ok: false });
  });

  it('refuses a timestamp 6 minutes old, even with a valid signature for it', () => {
    expect(check(signSlack(body.toString(), SECRET, nowSeconds - 360))).toEqual({ ok: false, reason: 'request timestamp is more than 5 minutes old' });
  });

  it('refuses a timestamp 6 minutes in the future, even with a valid signature for it', () => {
    expect(check(signSlack(body.toString(), SECRET, nowSeconds + 360))).toEqual({ ok: false, reason: 'request timestamp is more than 5 minutes in the future' });
  });

  it('refuses missing headers, a non-numeric timestamp and a signature of the wrong length without throwing', () => {
    const good = signSlack(body.toString(), SECRET, nowSeconds);
    expect(check({ 'x-slack-request-timestamp': good['x-slack-request-timestamp'] })).toEqual({ ok: false, reason: 'missing x-slack-signature header' });
    expect(check({ 'x-slack-signature': good['x-slack-signature'] })).toEqual({ ok: false, reason: 'missing x-slack-request-timestamp header' });
    expect(check({ ...good, 'x-slack-request-timestamp': '17e8' })).toMatchObject({ ok: false });
    expect(check({ ...good, 'x-slack-signature': 'v0=abc' })).toEqual({ ok: false, reason: 'invalid x-slack-signature' });
    expect(check({ ...good, 'x-slack-signature': `v1=${good['x-slack-signature'].slice(3)}` })).toEqual({ ok: false, reason: 'invalid x-slack-signature' });
  });

  // Slack's published known-answer vector, read from the shared payload folder when it is present (never copied here).
  const vectorDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/platform-payloads/slack');
  const vectorFile = path.join(vectorDir, 'signature_vector.json');
  const itWithVector = fs.existsSync(vectorFile) ? it : it.skip;
  itWithVector("matches Slack's published signature test vector", () => {
    const vector = JSON.parse(fs.readFileSync(vectorFile, 'utf8')) as { signing_secret: string; headers: Record<string, string>; body_file: string; clock_now_for_test: number };
    const raw = fs.readFileSync(path.join(vectorDir, vector.body_file));
    const ts = vector.headers['X-Slack-Request-Timestamp'];
    expect(slackSignature(vector.signing_secret, ts, raw)).toBe(vector.headers['X-Slack-Signature']);
    const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': vector.headers['X-Slack-Signature'] };
    expect(verifySlackRequest({ signingSecret: vector.signing_secret, headers, rawBody: raw, now: new Date(vector.clock_now_for_test * 1000) })).toEqual({ ok: true });
  });
});
