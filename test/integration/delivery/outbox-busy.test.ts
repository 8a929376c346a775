// The outbox while the process is busy answering people: it takes a few
// messages per pass, passes stay apart however often it is kicked, an answer
// someone waits for still goes at once, and nothing is left behind; once the
// process calms down it drains at full speed.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { startTestDatabase, waitFor, type TestDatabase } from '../../support/mongo.js';
import { MongoOutboxStore } from '../../../src/storage/outbox.repository.js';
import { MongoCardPostStore } from '../../../src/storage/chat-state.repository.js';
import { OutboxWorker, type OutboxRenderer } from '../../../src/delivery/index.js';
import type { NewOutboxMessage } from '../../../src/delivery/outbox.types.js';
import type { Platform } from '../../../src/core/platform.js';
import type { ChatAdapter } from '../../../src/core/chat-adapter.js';
import { systemClock } from '../../../src/core/clock.js';
import { FakeChatAdapter } from '../../doubles/fake-chat-adapter.js';

let tdb: TestDatabase;
let conn: Connection;

const passThrough: OutboxRenderer = { render: async (content) => (content.kind === 'reply' ? content.reply : undefined) };
const silent = { warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  tdb = await startTestDatabase('outbox_busy');
  conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
});
afterAll(async () => {
  await conn?.close();
  await tdb?.stop();
});

/** One message to each of `n` channels: no channel's pace holds anything up, only the worker's own passes. */
function messages(n: number, from = 0): NewOutboxMessage[] {
  return Array.from({ length: n }, (_, i) => ({ key: `m-${from + i}`, platform: 'slack', op: 'send', to: { platform: 'slack', conversationId: `C${from + i}` }, content: { kind: 'reply', reply: { text: `m-${from + i}` } } }));
}

describe('OutboxWorker while the process is busy', () => {
  it('claims a few per pass, keeps passes apart under constant kicks, then drains at full speed', async () => {
    await conn.dropDatabase();
    const store = new MongoOutboxStore(conn);
    const posts = new MongoCardPostStore(conn);
    await Promise.all([store.init(), posts.init()]);
    const claims: Array<{ at: number; limit: number; got: number; urgent: boolean }> = [];
    const claim = store.claim.bind(store);
    store.claim = async (now, limit, leaseMs, only) => {
      const at = performance.now();
      const got = await claim(now, limit, leaseMs, only);
      claims.push({ at, limit, got: got.length, urgent: !!only?.urgent });
      return got;
    };
    const slack = new FakeChatAdapter('slack', { perConversationPerSecond: 50 });
    const adapters = new Map<Platform, ChatAdapter>([[slack.platform, slack]]);
    let busy = true;
    const worker = new OutboxWorker({ store, posts, adapters, renderer: passThrough, clock: systemClock, logger: silent, busy: () => busy }, { pollMs: 20, busyBatchSize: 3, busyPollMs: 200 });
    await store.enqueue(messages(12), new Date());
    // Commands keep arriving: every one kicks the worker.
    const kicker = setInterval(() => worker.kick(), 5);
    worker.start();
    try {
      await waitFor(async () => (await store.counts()).sent === 12, { intervalMs: 20, what: 'the messages sent' });
      const busyClaims = claims.slice();
      expect(busyClaims.every((c) => c.urgent || (c.limit === 3 && c.got <= 3))).toBe(true);
      // 12 messages, 3 a pass: at least 4 passes, each at least 200 ms after the one before (timers may fire a ms early).
      expect(busyClaims.filter((c) => c.got > 0).length).toBeGreaterThanOrEqual(4);
      const background = busyClaims.filter((c) => !c.urgent);
      for (let i = 1; i < background.length; i++) expect(background[i].at - background[i - 1].at).toBeGreaterThanOrEqual(195);
      // An answer someone waits for is claimed at once, not at the next full pass.
      claims.length = 0;
      await store.enqueue([{ ...messages(1, 50)[0], urgent: true }], new Date());
      const asked = performance.now();
      worker.kick(true);
      await waitFor(async () => (await store.counts()).sent === 13, { intervalMs: 20, what: 'the messages sent' });
      const answer = claims.find((c) => c.got > 0)!;
      expect(answer.urgent).toBe(true);
      expect(answer.at - asked).toBeLessThan(150);
      // Calm again: the next batch goes in one pass, as soon as it is kicked.
      busy = false;
      claims.length = 0;
      await store.enqueue(messages(30, 100), new Date());
      const kicked = performance.now();
      worker.kick();
      await waitFor(async () => (await store.counts()).sent === 43, { intervalMs: 20, what: 'the messages sent' });
      const first = claims.find((c) => c.got > 0)!;
      expect(first).toMatchObject({ limit: 100, got: 30 });
      expect(first.at - kicked).toBeLessThan(200);
    } finally {
      clearInterval(kicker);
      await worker.stop();
    }
    expect(slack.sends().map((s) => s.reply.text).sort()).toEqual([...messages(12), ...messages(1, 50), ...messages(30, 100)].map((m) => m.key).sort());
  }, 30_000);
});
