// Commands per person per minute: past the limit a person gets a clear answer
// in their language and nothing runs; a platform's retry of a delivery that
// was already accepted is still answered (from the delivery log), and the
// limit frees up as the minute passes. Also the pieces it rests on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConfigError, loadEnv } from '../../src/config/env.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { SlidingWindowRateLimit } from '../../src/reliability/rate-limit.js';
import { isDatabaseUnavailable } from '../../src/reliability/db-errors.js';
import { neutraliseText } from '../../src/reliability/neutralise.js';
import { ManualClock } from '../../src/core/clock.js';
import { CodedError } from '../../src/core/errors.js';
import { quietLogger, withDbName } from '../support/app.js';
import { startTestDatabase, type TestDatabase } from '../support/mongo.js';
import { FAULTS_ORG, postConsole } from './harness/platforms.js';
import { OffsetClock } from './harness/offset-clock.js';
import { messagePattern } from './harness/replies.js';

const clock = new OffsetClock();
let db: TestDatabase;
let app: RunningApp;
let base: string;

beforeAll(async () => {
  db = await startTestDatabase('faults_ratelimit');
  const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', MONGODB_URI: withDbName(db.uri, db.dbName), ORG_FILE: FAULTS_ORG, ADMIN_TOKEN: 'faults-admin-token-0123456789', POLICY_FILE: 'test/faults/fixtures/calm-policy.yaml' });
  app = await startApp(env, quietLogger().logger, { clock, rateLimitPerMinute: 5 });
  base = `http://127.0.0.1:${app.port}`;
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await db?.stop();
});

const text = (res: { body: unknown }) => JSON.stringify(res.body);

describe('rate limit per person', () => {
  it('answers the sixth command in a minute with the limit, in the person’s language, and runs nothing', async () => {
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      accepted.push(id);
      expect(text(await postConsole(base, { user: 'grace.liu', text: `open Limited ${i}`, deliveryId: id }))).toMatch(/Opened T-\d+/);
    }
    const sixth = await postConsole(base, { user: 'grace.liu', text: 'open Limited 5' });
    expect(sixth.status).toBe(200);
    expect(text(sixth)).toMatch(messagePattern('rate.limited'));
    expect(text(sixth)).toMatch(/5 a minute/);
    // Someone else is not held back by Grace; 周丽 is answered in Chinese when she hits her own limit.
    for (let i = 0; i < 5; i++) await postConsole(base, { user: 'zhou.li', text: 'help' });
    expect(text(await postConsole(base, { user: 'zhou.li', text: 'help' }))).toMatch(/每分钟 5 条/);
    expect(text(await postConsole(base, { user: 'omar.haddad', text: 'open Not limited' }))).toMatch(/Opened T-\d+/);

    // A retry of an accepted delivery gets its first answer, not the limit.
    const retry = await postConsole(base, { user: 'grace.liu', text: 'open Limited 0', deliveryId: accepted[0] });
    expect(text(retry)).toMatch(/Opened T-\d+: Limited 0/);
    const stored = (await app.database.connection.collection('tickets').find({ title: { $regex: '^Limited' } }).toArray()).map((t) => t.title);
    expect(stored.sort()).toEqual(['Limited 0', 'Limited 1', 'Limited 2', 'Limited 3', 'Limited 4']);

    // A minute later there is room again.
    clock.advance(61_000);
    expect(text(await postConsole(base, { user: 'grace.liu', text: 'open Limited later' }))).toMatch(/Opened T-\d+/);
  });
});

describe('the pieces', () => {
  it('a sliding window: the limit, the wait it names, and keys kept apart', () => {
    const manual = new ManualClock(0);
    const limit = new SlidingWindowRateLimit(2, manual);
    expect([limit.take('a'), limit.take('a'), limit.take('b')].every((d) => d.ok)).toBe(true);
    manual.advance(20_000);
    expect(limit.take('a')).toEqual({ ok: false, retryInSeconds: 40, limit: 2 });
    manual.advance(40_001);
    expect(limit.take('a').ok).toBe(true);
  });

  it('RATE_LIMIT_PER_MINUTE: 30 by default, 0 turns it off, nonsense stops start-up with one line', () => {
    expect(loadEnv({}).RATE_LIMIT_PER_MINUTE).toBe(30);
    expect(loadEnv({ RATE_LIMIT_PER_MINUTE: '0' }).RATE_LIMIT_PER_MINUTE).toBe(0);
    expect(() => loadEnv({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(ConfigError);
    expect(() => loadEnv({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/^Invalid RATE_LIMIT_PER_MINUTE \(got 'lots'\)/);
  });

  it('tells a database outage from other failures', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoServerSelectionError' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoBulkWriteError' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('x', { cause: Object.assign(new Error('reset'), { name: 'MongoNetworkError' }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError', code: 11000 }))).toBe(false);
    expect(isDatabaseUnavailable(new CodedError('ticket.not_found'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
  });

  it('removes control and bidirectional-formatting characters, keeps the rest', () => {
    expect(neutraliseText('a\u0000b\u0007c\u001b[31md\u202Ee\u2066f\u200Fg\th\ni 工单 😀')).toBe('abc[31mdefg\th\ni 工单 😀');
  });
});
