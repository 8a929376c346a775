// The outbox behind a channel that cannot keep up: far more messages are due for
// one channel than its pace lets out within a lease. They must all go, once, in
// the order they were queued, at the channel's pace — and the ones held back are
// written back to the outbox about once each, in one write per pass, instead of
// again and again while they wait.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../../support/mongo.js';
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
  tdb = await startTestDatabase('outbox_backlog');
  conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
});
afterAll(async () => {
  await conn?.close();
  await tdb?.stop();
});

function message(n: number, conversationId: string): NewOutboxMessage {
  const key = `${conversationId}-${String(n).padStart(3, '0')}`;
  return { key, platform: 'slack', op: 'send', to: { platform: 'slack', conversationId }, content: { kind: 'reply', reply: { text: key } } };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('OutboxWorker with a backlog for a paced channel', () => {
  it('sends everything once, in order and at pace, putting each held-back message back about once', async () => {
    await conn.dropDatabase();
    const store = new MongoOutboxStore(conn);
    const posts = new MongoCardPostStore(conn);
    await Promise.all([store.init(), posts.init()]);
    const putBacks: number[] = [];
    const putBack = store.putBack.bind(store);
    store.putBack = async (batches, reason) => {
      putBacks.push(batches.reduce((n, b) => n + b.ids.length, 0));
      await putBack(batches, reason);
    };
    // 20 a second and a 2 s lease: a lane takes 10 at a time, so most of the backlog waits in the outbox.
    const slack = new FakeChatAdapter('slack', { perConversationPerSecond: 20 });
    const adapters = new Map<Platform, ChatAdapter>([[slack.platform, slack]]);
    const worker = new OutboxWorker({ store, posts, adapters, renderer: passThrough, clock: systemClock, logger: silent }, { pollMs: 20, leaseMs: 2_000 });
    const channels = ['C1', 'C2'];
    const first = channels.flatMap((c) => Array.from({ length: 40 }, (_, i) => message(i, c)));
    await store.enqueue(first, new Date());
    worker.start();
    try {
      // More for the same channels while the first ones still wait: they must queue up behind them.
      await new Promise((r) => setTimeout(r, 300));
      await store.enqueue(channels.flatMap((c) => Array.from({ length: 20 }, (_, i) => message(40 + i, c))), new Date());
      worker.kick();
      await until(async () => (await store.counts()).sent === 120, 30_000);
    } finally {
      await worker.stop();
    }
    expect(await store.counts()).toMatchObject({ pending: 0, sending: 0, sent: 120, parked: 0 });
    for (const c of channels) {
      const sends = slack.sends().filter((s) => s.to.conversationId === c);
      expect(sends.map((s) => s.reply.text)).toEqual(Array.from({ length: 60 }, (_, i) => `${c}-${String(i).padStart(3, '0')}`));
      // 20 a second: never more than 20 into one channel within a second (one send late by a busy
      // machine may go closer to the next than 50 ms, which is still within the pace; timers are
      // coarse, hence the few ms of slack).
      for (let i = 20; i < sends.length; i++) expect(sends[i].at - sends[i - 20].at).toBeGreaterThanOrEqual(930);
    }
    // 100 of the 120 cannot fit in the lanes at first; put back about once each, not once per poll.
    expect(putBacks.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(140);
    // And the attempts count only real tries.
    const sent = await store.list('sent', 200);
    expect(Math.max(...sent.map((m) => m.attempts))).toBe(1);
  }, 60_000);
});
