// The outbox over a real database: sends once, paces a conversation, honours
// Retry-After, backs off on errors, parks what cannot be delivered, and takes
// over a message whose sender died.
import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from '@jest/globals';
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
import { MongoPaceKeeper } from '../../../src/storage/pace.repository.js';

let tdb: TestDatabase;
let conn: Connection;
let store: MongoOutboxStore;
let posts: MongoCardPostStore;
let worker: OutboxWorker | undefined;

const passThrough: OutboxRenderer = { render: async (content) => (content.kind === 'reply' ? content.reply : undefined) };
const silent = { warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  tdb = await startTestDatabase('outbox');
  conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
});
afterAll(async () => {
  await conn?.close();
  await tdb?.stop();
});
beforeEach(async () => {
  await conn.dropDatabase();
  store = new MongoOutboxStore(conn);
  posts = new MongoCardPostStore(conn);
  await Promise.all([store.init(), posts.init()]);
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

function workerFor(adapter: ChatAdapter, options = {}): OutboxWorker {
  const adapters = new Map<Platform, ChatAdapter>([[adapter.platform, adapter]]);
  worker = new OutboxWorker({ store, posts, adapters, renderer: passThrough, clock: systemClock, logger: silent }, { pollMs: 20, ...options });
  return worker;
}

function message(key: string, text: string, conversationId = 'C1', extra: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return { key, platform: 'slack', op: 'send', to: { platform: 'slack', conversationId }, content: { kind: 'reply', reply: { text } }, ...extra };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('OutboxWorker', () => {
  it('sends each message once, even when it is enqueued twice, and records the platform message id', async () => {
    const slack = new FakeChatAdapter();
    await store.enqueue([message('a', 'hello'), message('a', 'hello again'), message('b', 'second')], new Date());
    await workerFor(slack).drain();
    expect(slack.sends().map((c) => c.reply.text)).toEqual(['hello', 'second']);
    const sent = await store.list('sent', 10);
    expect(sent.map((m) => m.messageId).sort()).toEqual(['m1', 'm2']);
    expect(await store.counts()).toMatchObject({ pending: 0, sending: 0, sent: 2, parked: 0 });
  });

  it('remembers where a card with a subject was posted, so it can be updated in place later', async () => {
    const slack = new FakeChatAdapter();
    const reply = { card: { title: 'T-1 · Printer', tone: 'info' as const, fields: [], elements: [], subject: 'ticket:T-1' } };
    await store.enqueue([{ ...message('card', ''), content: { kind: 'reply', reply }, subject: 'ticket:T-1', locale: 'zh-CN' }], new Date());
    await workerFor(slack).drain();
    const [post] = await posts.forSubject('ticket:T-1');
    expect(post).toMatchObject({ platform: 'slack', messageId: 'm1', locale: 'zh-CN', conversation: { conversationId: 'C1', messageId: 'm1' } });
  });

  it('paces one conversation to its limit while other conversations go at once', async () => {
    const slack = new FakeChatAdapter('slack', { perConversationPerSecond: 5 });
    await store.enqueue([message('1', 'a'), message('2', 'b'), message('3', 'c'), message('4', 'other', 'C2')], new Date());
    await workerFor(slack).drain();
    const inC1 = slack.sends().filter((c) => c.to.conversationId === 'C1').map((c) => c.at);
    expect(inC1).toHaveLength(3);
    // 5 per second: at least ~200 ms between two messages into the same channel.
    expect(inC1[1] - inC1[0]).toBeGreaterThanOrEqual(180);
    expect(inC1[2] - inC1[1]).toBeGreaterThanOrEqual(180);
    const other = slack.sends().find((c) => c.to.conversationId === 'C2')!;
    expect(other.at - inC1[0]).toBeLessThan(150);
  });

  it('waits as long as a 429 asks before trying again, and loses nothing', async () => {
    const slack = new FakeChatAdapter();
    slack.failNext({ kind: 'rate-limited', retryAfterMs: 400 });
    await store.enqueue([message('x', 'after the wait')], new Date());
    workerFor(slack).start();
    await until(() => slack.sends().length === 1);
    const waited = slack.sends()[0].at - slack.refused[0].at;
    expect(waited).toBeGreaterThanOrEqual(390);
    expect(slack.sends()[0].reply.text).toBe('after the wait');
    expect(await store.counts()).toMatchObject({ sent: 1, pending: 0, parked: 0 });
  });

  it('backs off after a server error and then delivers', async () => {
    const slack = new FakeChatAdapter();
    slack.failNext({ kind: 'transient' }, { kind: 'transient' });
    await store.enqueue([message('y', 'eventually')], new Date());
    workerFor(slack, { maxBackoffMs: 300 }).start();
    await until(() => slack.sends().length === 1);
    expect(slack.refused).toHaveLength(2);
    const [sent] = await store.list('sent', 1);
    expect(sent.attempts).toBe(3);
  });

  it('parks a message the platform will never take, with the reason, instead of dropping it', async () => {
    const slack = new FakeChatAdapter();
    slack.failNext({ kind: 'permanent' });
    await store.enqueue([message('gone', 'to an archived channel')], new Date());
    await workerFor(slack).drain();
    const [parked] = await store.list('parked', 5);
    expect(parked).toMatchObject({ key: 'gone', lastError: 'channel_not_found' });
    expect(slack.sends()).toHaveLength(0);
  });

  it('parks messages for a platform that is not connected', async () => {
    const teamsOnly = new FakeChatAdapter('teams');
    await store.enqueue([message('s', 'for slack')], new Date());
    await workerFor(teamsOnly).drain();
    const [parked] = await store.list('parked', 5);
    expect(parked.lastError).toMatch(/no slack connection/);
  });

  it('takes over a message whose sender died mid-send once its lease runs out', async () => {
    const slack = new FakeChatAdapter();
    await store.enqueue([message('orphan', 'left behind')], new Date());
    // Another worker claimed it with a short lease and was killed.
    const [claimed] = await store.claim(new Date(), 1, 50);
    expect(claimed.key).toBe('orphan');
    expect(await workerFor(slack).drain()).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    await worker!.drain();
    expect(slack.sends().map((c) => c.reply.text)).toEqual(['left behind']);
  });

  it('drops older waiting updates of a card when a newer one is queued', async () => {
    const slack = new FakeChatAdapter();
    const to = { platform: 'slack' as const, conversationId: 'C1', messageId: '111.1' };
    const update = (key: string, text: string) => ({ key, platform: 'slack' as const, op: 'update' as const, to, postId: 'p1', content: { kind: 'reply' as const, reply: { text } } });
    await store.enqueue([update('u1', 'v1'), update('u2', 'v2')], new Date());
    await store.supersede('p1', 'u2');
    await workerFor(slack).drain();
    expect(slack.calls.map((c) => [c.op, c.reply.text, c.messageId])).toEqual([['update', 'v2', '111.1']]);
  });

  it('keeps one limit per channel across two instances sharing the database', async () => {
    // Two workers, as two bot processes would run, each with its own connection to the platform.
    const first = new FakeChatAdapter('slack', { perConversationPerSecond: 5 });
    const second = new FakeChatAdapter('slack', { perConversationPerSecond: 5 });
    const shared = (adapter: ChatAdapter) =>
      new OutboxWorker({ store, posts, adapters: new Map<Platform, ChatAdapter>([['slack', adapter]]), renderer: passThrough, pace: new MongoPaceKeeper(conn), clock: systemClock, logger: silent }, { pollMs: 20, batchSize: 3 });
    await store.enqueue(Array.from({ length: 6 }, (_, i) => message(`s${i}`, `m${i}`, 'C-SHARED')), new Date());
    const [a, b] = [shared(first), shared(second)];
    const start = Date.now();
    await Promise.all([a.drain(), b.drain()]);
    const times = [...first.sends(), ...second.sends()].map((c) => c.at).sort((x, y) => x - y);
    expect(times).toHaveLength(6);
    expect(first.sends().length).toBeGreaterThan(0);
    expect(second.sends().length).toBeGreaterThan(0);
    // 5 per second in all, whichever instance sends: the n-th message never leaves before
    // n × 200 ms. (A busy machine can only make a send late, so this holds under load,
    // where the gap between two sends can shrink when the first one was late.)
    const early = times.map((t, n) => ({ n, afterMs: t - start })).filter(({ n, afterMs }) => afterMs < n * 200 - 5);
    expect(early).toEqual([]);
  });
});
