// Live ticket cards and pings over a real database: a ticket's card goes to
// its department's home channel and, during a handoff, to the receiving
// department's home on whatever platform that is; every save updates every
// copy; an escalation is told in the card's thread; pings go to each
// person's preferred platform.
import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../../support/mongo.js';
import { MongoOutboxStore } from '../../../src/storage/outbox.repository.js';
import { MongoCardPostStore } from '../../../src/storage/chat-state.repository.js';
import { MongoNotificationStore } from '../../../src/storage/notification.repository.js';
import { NotificationDispatch, OutboxWorker, TicketCardSync, pingIdentity, type OutboxRenderer } from '../../../src/delivery/index.js';
import type { Platform } from '../../../src/core/platform.js';
import type { ChatAdapter } from '../../../src/core/chat-adapter.js';
import { systemClock } from '../../../src/core/clock.js';
import { Directory } from '../../../src/org/directory.js';
import { demoOrgData } from '../../../src/org/demo-org.js';
import type { Ticket } from '../../../src/tickets/ticket.types.js';
import { FakeChatAdapter } from '../../doubles/fake-chat-adapter.js';
import { buildTicket, BUILT_AT } from '../../doubles/ticket.builder.js';

let tdb: TestDatabase;
let conn: Connection;
let outbox: MongoOutboxStore;
let posts: MongoCardPostStore;
let notifications: MongoNotificationStore;
let worker: OutboxWorker;
let slack: FakeChatAdapter;
let feishu: FakeChatAdapter;
const tickets = new Map<string, Ticket>();

// Support's cards live in a Slack channel, billing's in a Feishu group.
function org(): Directory {
  const data = demoOrgData();
  data.departments.find((d) => d.id === 'support')!.homeConversations = [{ platform: 'slack', conversationId: 'C-SUPPORT' }];
  data.departments.find((d) => d.id === 'billing')!.homeConversations = [{ platform: 'feishu', conversationId: 'oc_billing' }];
  const zhao = data.people.find((p) => p.id === 'zhao.min')!;
  zhao.identities.push({ platform: 'slack', userId: 'U-ZHAO' }, { platform: 'feishu', userId: 'ou_zhao' });
  zhao.preferredPlatform = 'feishu';
  return new Directory(data, 1);
}

/** Renders cards as text so the test can read what each copy showed. */
const renderer: OutboxRenderer = {
  async render(content) {
    if (content.kind === 'reply') return content.reply;
    if (content.kind === 'ticket-card') {
      const t = tickets.get(content.ticketId);
      return t && { card: { title: `${t.id} ${t.state} [${content.locale}]`, tone: 'info', fields: [], elements: [], subject: `ticket:${t.id}` } };
    }
    if (content.kind === 'ticket-text') return { text: `${content.message} ${content.ticketId}` };
    return { text: `ping ${content.notificationId}` };
  },
};

let sync: TicketCardSync;
let directory: Directory;

beforeAll(async () => {
  tdb = await startTestDatabase('cards');
  conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
});
afterAll(async () => {
  await conn?.close();
  await tdb?.stop();
});
beforeEach(async () => {
  await conn.dropDatabase();
  outbox = new MongoOutboxStore(conn);
  posts = new MongoCardPostStore(conn);
  notifications = new MongoNotificationStore(conn);
  await Promise.all([outbox.init(), posts.init(), notifications.init()]);
  slack = new FakeChatAdapter('slack');
  feishu = new FakeChatAdapter('feishu');
  const adapters = new Map<Platform, ChatAdapter>([['slack', slack], ['feishu', feishu]]);
  directory = org();
  const dispatch = new NotificationDispatch({ queue: notifications, outbox, org: directory, clock: systemClock, adapters });
  worker = new OutboxWorker({ store: outbox, posts, adapters, renderer, clock: systemClock, logger: { warn: () => undefined, error: () => undefined }, beforePass: () => dispatch.run() });
  sync = new TicketCardSync({ outbox, posts, org: directory, clock: systemClock, adapters, kick: () => undefined });
  tickets.clear();
});
afterEach(async () => {
  await worker.stop();
});

async function save(ticket: Ticket): Promise<void> {
  tickets.set(ticket.id, ticket);
  await sync.ticketSaved(ticket);
  await worker.drain();
}

describe('TicketCardSync', () => {
  it('posts a new ticket card once in its department home channel and updates it in place on every change', async () => {
    await save(buildTicket({ state: 'open', version: 1 }));
    await save(buildTicket({ state: 'open', version: 1 })); // the same save seen twice
    expect(slack.sends().map((c) => [c.to.conversationId, c.reply.card?.title])).toEqual([['C-SUPPORT', 'T-7 open [en]']]);
    await save(buildTicket({ state: 'claimed', version: 2 }));
    const updates = slack.calls.filter((c) => c.op === 'update');
    expect(updates.every((c) => c.messageId === 'm1')).toBe(true);
    expect(updates.at(-1)?.reply.card?.title).toBe('T-7 claimed [en]');
    expect(slack.sends()).toHaveLength(1);
  });

  it('hands the card across platforms: the receiving department sees it in its Feishu group, in Chinese, and both copies follow the ticket', async () => {
    await save(buildTicket({ state: 'claimed', version: 2 }));
    await save(buildTicket({ state: 'pending_handoff', version: 3 }));
    expect(feishu.sends().map((c) => [c.to.conversationId, c.reply.card?.title])).toEqual([['oc_billing', 'T-7 pending_handoff [zh-CN]']]);
    // Accepted in Feishu: billing owns it now; the Slack copy and the Feishu copy both show it.
    await save(buildTicket({ state: 'claimed', departmentId: 'billing', ownerId: 'zhao.min', version: 4 }));
    const lastSlack = slack.calls.filter((c) => c.op === 'update').at(-1)!;
    const lastFeishu = feishu.calls.filter((c) => c.op === 'update').at(-1)!;
    expect(lastSlack.reply.card?.title).toBe('T-7 claimed [en]');
    expect(lastFeishu.reply.card?.title).toBe('T-7 claimed [zh-CN]');
    // Nothing is posted twice in either place.
    expect(slack.sends()).toHaveLength(1);
    expect(feishu.sends()).toHaveLength(1);
  });

  it('tells an escalation in the thread of each copy of the card, once', async () => {
    await save(buildTicket({ state: 'claimed', version: 2 }));
    const at = new Date(BUILT_AT.getTime() + 60_000);
    const escalated = buildTicket({ state: 'claimed', version: 3, updatedAt: at, escalation: { level: 'supervisor', toPersonId: 'chen.jing', reason: 'sla:firstResponse', at } });
    escalated.timeline = [...escalated.timeline, { at, actorId: 'system', kind: 'escalate', details: {}, source: { platform: 'system', via: 'job' } }];
    await save(escalated);
    await save(escalated);
    const threaded = slack.sends().filter((c) => c.to.threadId);
    expect(threaded.map((c) => [c.to.conversationId, c.to.threadId, c.reply.text])).toEqual([['C-SUPPORT', 'm1', 'thread.escalated T-7']]);
  });
});

describe('NotificationDispatch', () => {
  it('sends each ping once, by direct message on the preferred platform, and keeps people without a chat account in the inbox only', async () => {
    await notifications.add([
      { personId: 'zhao.min', message: 'handoff.request', params: {}, createdAt: new Date() },
      // Chen Jing is on Slack and Feishu with no preference: the first, Slack.
      { personId: 'chen.jing', message: 'ticket.escalated_to_you', params: {}, createdAt: new Date() },
      { personId: 'liu.yang', message: 'ticket.assigned_to_you', params: {}, createdAt: new Date() },
    ]);
    await worker.drain();
    await worker.drain();
    expect(feishu.sends().map((c) => c.to.conversationId)).toEqual(['D-ou_zhao']);
    expect(slack.sends().map((c) => c.to.conversationId)).toEqual(['D-U0DEMOCJ01']);
    expect(await notifications.undispatched(10)).toEqual([]);
    expect((await notifications.forPerson('liu.yang', 5)).map((n) => n.message)).toEqual(['ticket.assigned_to_you']);
  });

  it('falls back to a connected platform when the preferred one is not configured', () => {
    const zhao = directory.person('zhao.min')!;
    expect(pingIdentity(zhao, (p) => p === 'slack')).toEqual({ platform: 'slack', userId: 'U-ZHAO' });
    expect(pingIdentity(zhao, () => false)).toBeUndefined();
  });
});
