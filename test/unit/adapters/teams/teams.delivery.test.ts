// Proactive posts: the outbox's send/update/directConversation, one attempt
// each, with failures classified for the outbox (wait, retry later, or park).
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { card } from '../../../../src/core/card.js';
import { DeliveryError } from '../../../../src/core/chat-adapter.js';
import type { ConversationRef } from '../../../../src/core/platform.js';
import { retryAfterMs, toDeliveryError } from '../../../../adapters/teams/teams.errors.js';
import { rejection } from '../../../support/mongo.js';
import { startTeamsHarness, TEST_APP_ID, type TeamsHarness } from '../../../support/teams-harness.js';
import { CHANNEL_ID, TENANT_ID, personalConversationId, teamsConversationUpdate, teamsUser } from '../../../support/teams-activities.js';

const alice = teamsUser('Alice Chen', '7faf8ab2-3d56-4244-b585-20c8a42ed2b8');
let h: TeamsHarness;
let channel: ConversationRef;

beforeAll(async () => {
  h = await startTeamsHarness();
  channel = {
    platform: 'teams',
    conversationId: CHANNEL_ID,
    extras: { serviceUrl: h.connector.serviceUrl, tenantId: TENANT_ID, botId: `28:${TEST_APP_ID}`, conversationType: 'channel' },
  };
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => h.connector.reset());

describe('send', () => {
  it('posts a new message into the channel and returns its id for later updates', async () => {
    const sent = await h.adapter.send(channel, { text: 'SLA breached on T-12' });
    expect(sent).toEqual({ platform: 'teams', conversation: channel, messageId: 'msg-' + /\d+$/.exec(sent.messageId!)![0] });
    const [call] = h.connector.posted();
    expect(call).toMatchObject({ kind: 'send', conversationId: CHANNEL_ID, body: { type: 'message', text: 'SLA breached on T-12', textFormat: 'plain' } });
    expect(call.authorization).toBe(`Bearer ${h.identity!.issuedTokens.at(-1)}`);
  });

  it('posts into a thread when the reference names one', async () => {
    await h.adapter.send({ ...channel, threadId: '1760000000042' }, { text: 'reply' });
    expect(h.connector.posted()[0].conversationId).toBe(`${CHANNEL_ID};messageid=1760000000042`);
  });

  it('escapes mention and markdown markup in what reaches Teams', async () => {
    await h.adapter.send(channel, { text: 'from <at>Everyone</at>', card: card('<at>All</at> [pay here](https://evil.example)', 'danger').field('Customer', '**ACME**').build() });
    const body = h.connector.posted()[0].body;
    const json = JSON.stringify(body);
    expect(json).not.toMatch(/<at>/i);
    expect(json).not.toContain('[pay here](');
    expect(body.attachments[0].content.body[0].text).toContain('\\[pay here\\]');
    expect(body.attachments[0].content.body[1].facts[0].value).toBe('\\*\\*ACME\\*\\*');
  });

  it('finds the stored reference for a home channel given only by id (ORG_FILE), and refuses an unknown one for good', async () => {
    const err = await rejection(h.adapter.send({ platform: 'teams', conversationId: '19:never-installed@thread.tacv2' }, { text: 'x' }));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.permanent).toBe(true);
    expect(h.connector.calls).toHaveLength(0);

    await h.post(teamsConversationUpdate(h.scene, { scope: 'team', from: alice }));
    const sent = await h.adapter.send({ platform: 'teams', conversationId: CHANNEL_ID }, { text: 'New ticket T-13' });
    expect(sent.conversation.extras?.serviceUrl).toBe(h.connector.serviceUrl);
    expect(h.connector.posted()[0]).toMatchObject({ kind: 'send', conversationId: CHANNEL_ID });
  });

  it('makes one attempt on 429 and reports Retry-After to the outbox', async () => {
    h.connector.failNext(1, { status: 429, retryAfter: '7' });
    const err = await rejection(h.adapter.send(channel, { text: 'x' }));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 7000, permanent: false });
    expect(h.connector.calls).toHaveLength(1);
  });

  it('calls a 5xx transient and a 403/404 (bot removed, conversation gone) permanent, one attempt each', async () => {
    h.connector.failNext(1, { status: 503 });
    expect(await rejection(h.adapter.send(channel, { text: 'x' }))).toMatchObject({ status: 503, permanent: false });
    h.connector.failNext(1, { status: 403, code: 'BotNotInConversationRoster' });
    const gone = await rejection(h.adapter.send(channel, { text: 'x' }));
    expect(gone).toMatchObject({ status: 403, permanent: true });
    expect(gone.message).toMatch(/BotNotInConversationRoster/);
    h.connector.failNext(1, { status: 404, code: 'ConversationNotFound' });
    expect(await rejection(h.adapter.send(channel, { text: 'x' }))).toMatchObject({ status: 404, permanent: true });
    expect(h.connector.calls).toHaveLength(3);
  });

  it('calls an unreachable Teams transient', async () => {
    const err = await rejection(h.adapter.send({ ...channel, extras: { ...channel.extras, serviceUrl: 'http://127.0.0.1:1/' } }, { text: 'x' }));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.permanent).toBe(false);
  });
});

describe('update', () => {
  it('replaces the card in place', async () => {
    await h.adapter.update!({ platform: 'teams', conversation: channel, messageId: 'msg-5' }, { card: card('T-12 resolved', 'good').build() });
    const [call] = h.connector.updates();
    expect(call).toMatchObject({ method: 'PUT', conversationId: CHANNEL_ID, activityId: 'msg-5' });
    expect(call.body.attachments[0].content.body[0].text).toBe('T-12 resolved');
  });

  it('reports a 429 on update the same way', async () => {
    h.connector.failNext(1, { status: 429, retryAfter: '2' });
    expect(await rejection(h.adapter.update!({ platform: 'teams', conversation: channel, messageId: 'msg-5' }, { text: 'x' }))).toMatchObject({ retryAfterMs: 2000 });
  });
});

describe('directConversation', () => {
  it('uses the personal chat stored when the person installed Duban', async () => {
    await h.post(teamsConversationUpdate(h.scene, { scope: 'personal', from: alice }));
    h.connector.reset();
    const ref = await h.adapter.directConversation!(alice.aadObjectId!);
    expect(ref).toMatchObject({ platform: 'teams', conversationId: personalConversationId(alice), extras: { conversationType: 'personal' } });
    expect(h.connector.calls).toHaveLength(0);
  });

  it('otherwise opens one in the tenant and remembers it', async () => {
    const bob = '33333333-2222-4333-8444-555555555555';
    const ref = await h.adapter.directConversation!(bob);
    const [create] = h.connector.calls.filter((c) => c.kind === 'create');
    expect(create.body).toMatchObject({ isGroup: false, members: [{ id: bob }], tenantId: TENANT_ID, bot: { id: `28:${TEST_APP_ID}` } });
    expect(ref).toMatchObject({ conversationId: expect.stringMatching(/^a:created-/), extras: { serviceUrl: h.connector.serviceUrl, tenantId: TENANT_ID, conversationType: 'personal' } });
    expect(await h.context.store.get('teams', `user:${bob}`)).toEqual(ref);
    await h.adapter.send(ref, { text: 'You have a new ticket' });
    expect(h.connector.posted().at(-1)?.conversationId).toBe(ref.conversationId);
  });
});

describe('error classification', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000 + 4000).toUTCString(), 10_000)).toBe(4000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('gives a 429 without Retry-After a short default wait, and leaves DeliveryErrors as they are', () => {
    expect(toDeliveryError({ statusCode: 429 }, 'send').retryAfterMs).toBe(1000);
    const original = new DeliveryError('x', { permanent: true });
    expect(toDeliveryError(original, 'send')).toBe(original);
    expect(toDeliveryError({ statusCode: 400 }, 'send').permanent).toBe(true);
    expect(toDeliveryError({ statusCode: 408 }, 'send').permanent).toBe(false);
  });
});
