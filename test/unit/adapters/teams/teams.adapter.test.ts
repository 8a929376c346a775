// The Teams adapter driven over HTTP like Bot Framework drives it: signed
// activities into the real CloudAdapter, replies landing on a fake connector.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { card } from '../../../../src/core/card.js';
import type { InboundCommand } from '../../../../src/core/inbound.js';
import { startTeamsHarness, TEST_APP_ID, type TeamsHarness } from '../../../support/teams-harness.js';
import {
  CHANNEL_ID,
  TENANT_ID,
  personalConversationId,
  teamsCardAction,
  teamsCardSubmit,
  teamsChannelMessage,
  teamsConversationUpdate,
  teamsMessageAction,
  teamsPersonalMessage,
  teamsUser,
} from '../../../support/teams-activities.js';

const alice = teamsUser('Alice Chen', '7faf8ab2-3d56-4244-b585-20c8a42ed2b8');
const zhang = teamsUser('Zhang Wei', '11111111-2222-4333-8444-555555555555');
const emma = teamsUser('Emma Clark', '22222222-2222-4333-8444-555555555555');
const ticketCard = (state: string) =>
  card(`T-12 Printer <at>All</at>`, 'info').subject('ticket:T-12').field('State', state).button('resolve', 'Resolve', { id: 'T-12' }).build();

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.connector.reset();
  h.connector.members.clear();
  h.context.handled.length = 0;
  h.context.published.length = 0;
  h.context.people.clear();
  h.context.byEmail.clear();
  h.context.script = [{ text: 'ok', private: true }];
  h.context.delayMs = 0;
});

describe('messages', () => {
  it('a channel message that mentions the bot runs the command with the mention stripped, and answers in the thread', async () => {
    h.context.people.set(alice.aadObjectId!, { id: 'alice', name: 'Alice Chen', locale: 'en' });
    h.context.script = [{ text: 'You claimed T-12', private: true }, { card: ticketCard('claimed') }];
    const activity = teamsChannelMessage(h.scene, { text: 'claim T-12', from: alice, mentionBot: true });
    const res = await h.post(activity);
    expect(res.status).toBe(200);

    expect(h.context.handled).toHaveLength(1);
    const inbound = h.context.handled[0];
    expect(inbound).toMatchObject({
      kind: 'text',
      text: 'claim T-12',
      via: 'mention',
      deliveryId: `teams:${activity.id}`,
      actor: { platform: 'teams', platformUserId: alice.aadObjectId, personId: 'alice', displayName: 'Alice Chen', locale: 'en' },
      conversation: { platform: 'teams', conversationId: CHANNEL_ID, threadId: activity.id, extras: expect.objectContaining({ serviceUrl: h.connector.serviceUrl, tenantId: TENANT_ID }) },
    });

    // The private answer is a reply in the thread, signed with the token Duban got for itself.
    const [reply] = h.connector.posted();
    expect(reply).toMatchObject({ kind: 'reply', conversationId: activity.conversation.id, activityId: activity.id });
    expect(reply.body).toMatchObject({ type: 'message', text: 'You claimed T-12', textFormat: 'plain' });
    expect(reply.authorization).toBe(`Bearer ${h.identity!.issuedTokens.at(-1)}`);
    expect(h.identity!.tokenRequests.at(-1)).toMatchObject({ path: '/botframework.com/oauth2/v2.0/token', params: { client_id: TEST_APP_ID, scope: 'https://api.botframework.com/.default' } });

    // The public card goes through the outbox, to the thread, keyed by delivery and index.
    expect(h.context.published).toEqual([{ to: { platform: 'teams', conversationId: CHANNEL_ID, threadId: activity.id, extras: expect.any(Object) }, reply: { card: ticketCard('claimed') }, key: `teams:${activity.id}:1` }]);
  });

  it('a personal message is a command too, from the person behind the AAD object id', async () => {
    h.context.people.set(alice.aadObjectId!, { id: 'alice', name: 'Alice Chen', locale: 'zh-CN' });
    const activity = teamsPersonalMessage(h.scene, { text: '/工单 认领 T-12', from: alice });
    expect((await h.post(activity)).status).toBe(200);
    expect(h.context.handled[0]).toMatchObject({ kind: 'text', text: '/工单 认领 T-12', via: 'message', actor: { personId: 'alice', locale: 'zh-CN' } });
    expect(h.context.identifyCalls.at(-1)).toEqual({ platform: 'teams', userId: alice.aadObjectId });
    expect(h.connector.posted()[0]).toMatchObject({ kind: 'reply', conversationId: personalConversationId(alice) });
  });

  it('finds a stranger by the e-mail Teams has for them, and speaks their language meanwhile', async () => {
    h.connector.members.set(alice.id, { id: alice.id, name: alice.name, aadObjectId: alice.aadObjectId, email: 'alice@example.com' });
    h.context.byEmail.set('alice@example.com', { id: 'alice', name: 'Alice Chen', locale: 'en' });
    await h.post(teamsPersonalMessage(h.scene, { text: 'list mine', from: alice, locale: 'zh-CN' }));
    expect(h.context.handled[0].actor).toMatchObject({ personId: 'alice' });
    expect(h.context.identifyCalls.at(-1)).toEqual({ platform: 'teams', userId: alice.aadObjectId, email: 'alice@example.com' });

    const stranger = teamsUser('Nobody', '99999999-2222-4333-8444-555555555555');
    await h.post(teamsPersonalMessage(h.scene, { text: 'help', from: stranger, locale: 'zh-CN' }));
    expect(h.context.handled[1].actor).toEqual({ platform: 'teams', platformUserId: stranger.aadObjectId, displayName: 'Nobody', locale: 'zh-CN' });
  });

  it('turns another person\'s mention into their person id, or into their name when the directory does not know them', async () => {
    h.connector.members.set(zhang.id, { id: zhang.id, name: zhang.name, aadObjectId: zhang.aadObjectId });
    h.context.people.set(zhang.aadObjectId!, { id: 'zhang.wei', name: '张伟', locale: 'zh-CN' });
    await h.post(teamsChannelMessage(h.scene, { text: 'assign T-12 <at>Zhang Wei</at>', from: alice, mentionBot: true, mentions: [zhang] }));
    expect(h.context.handled[0].text).toBe('assign T-12 @zhang.wei');

    await h.post(teamsChannelMessage(h.scene, { text: 'assign T-12 <at>Emma Clark</at>', from: alice, mentionBot: true, mentions: [emma] }));
    expect(h.context.handled[1].text).toBe('assign T-12 "<at>Emma Clark</at>"');
  });

  it('a re-sent activity (same id) is applied once, even while the first is still running', async () => {
    h.context.delayMs = 150;
    const activity = teamsChannelMessage(h.scene, { text: 'claim T-12', from: alice, mentionBot: true });
    const [first, second] = await Promise.all([h.post(activity), h.post(activity)]);
    const third = await h.post(activity);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(h.context.handled).toHaveLength(1);
    expect(h.connector.posted()).toHaveLength(1);
  });

  it('answers bad input with a short 400 and never runs a command', async () => {
    const notJson = await fetch(`${h.baseUrl}/api/messages`, { method: 'POST', headers: { authorization: `Bearer ${h.identity!.channelToken(h.scene.serviceUrl)}` }, body: '{not json' });
    expect(notJson.status).toBe(400);
    const { serviceUrl: _drop, ...noServiceUrl } = teamsPersonalMessage(h.scene, { text: 'help', from: alice });
    const res = await h.post(noServiceUrl, h.identity!.channelToken(h.scene.serviceUrl));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/serviceUrl/);
    expect(h.context.handled).toHaveLength(0);
  });

  it('keeps answering when the command entry point fails', async () => {
    h.context.script = () => {
      throw new Error('boom');
    };
    const res = await h.post(teamsPersonalMessage(h.scene, { text: 'claim T-1', from: alice }));
    expect(res.status).toBe(200);
    expect(h.connector.posted()[0].body.text).toMatch(/went wrong/);
  });
});

describe('card buttons', () => {
  it('Action.Execute runs the command and returns the refreshed card in the invoke response', async () => {
    h.context.script = (inbound: InboundCommand) => [{ text: 'Resolved', card: ticketCard(inbound.action?.id === 'resolve' ? 'resolved' : '?') }];
    const activity = teamsCardAction(h.scene, { verb: 'resolve', data: { id: 'T-12', summary: 'fixed the tray' }, from: alice });
    const res = await h.post(activity);
    expect(res.status).toBe(200);
    expect(h.context.handled[0]).toMatchObject({ kind: 'action', action: { id: 'resolve', values: { id: 'T-12', summary: 'fixed the tray' } }, via: 'button', deliveryId: `teams:${activity.id}` });
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5' } });
    expect(JSON.stringify(res.body.value)).toContain('resolved');
    expect(JSON.stringify(res.body.value)).not.toMatch(/<at>/);
    expect(h.connector.posted()).toHaveLength(0);
  });

  it('keeps the refreshed card as the answer when a follow-up reply then fails', async () => {
    h.context.script = [{ card: ticketCard('claimed') }, { text: 'Also: the customer was told', private: true }];
    h.connector.failNext(1, { status: 500 });
    const res = await h.post(teamsCardAction(h.scene, { verb: 'claim', data: { id: 'T-12' }, from: alice }));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(h.connector.posted()).toHaveLength(1);
    expect(h.logs.join('')).toMatch(/follow-up replies failed/);
  });

  it('a refused click returns the short error as a message and leaves the card alone', async () => {
    h.context.script = [{ text: 'T-12 is already resolved.', private: true }];
    const res = await h.post(teamsCardAction(h.scene, { verb: 'resolve', data: { id: 'T-12' }, from: alice }));
    expect(res.body).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'T-12 is already resolved.' });
    expect(h.connector.calls).toHaveLength(0);
  });

  it('an Action.Submit from an older client runs the command and updates the card message in place', async () => {
    h.context.script = [{ text: 'Claimed', card: ticketCard('claimed') }];
    const res = await h.post(teamsCardSubmit(h.scene, { verb: 'claim', data: { id: 'T-12' }, from: alice, replyToId: 'msg-77' }));
    expect(res.status).toBe(200);
    expect(h.context.handled[0]).toMatchObject({ kind: 'action', action: { id: 'claim', values: { id: 'T-12' } }, via: 'button' });
    const [update] = h.connector.updates();
    expect(update).toMatchObject({ method: 'PUT', activityId: 'msg-77' });
    expect(update.body.attachments[0].content.body[1].facts).toEqual([{ title: 'State', value: 'claimed' }]);
  });
});

describe('installation and conversation references', () => {
  it('stores the team channel when the bot is added to a team, and the person when installed personally', async () => {
    await h.post(teamsConversationUpdate(h.scene, { scope: 'team', from: alice }));
    expect(await h.context.store.get('teams', `channel:${CHANNEL_ID}`)).toEqual({
      platform: 'teams',
      conversationId: CHANNEL_ID,
      extras: expect.objectContaining({ serviceUrl: h.connector.serviceUrl, tenantId: TENANT_ID, botId: `28:${TEST_APP_ID}`, conversationType: 'channel' }),
    });
    await h.post(teamsConversationUpdate(h.scene, { scope: 'personal', from: zhang }));
    expect((await h.context.store.get('teams', `user:${zhang.aadObjectId}`))?.conversationId).toBe(personalConversationId(zhang));
    expect((await h.context.store.get('teams', `tenant:${TENANT_ID}`))?.extras?.serviceUrl).toBe(h.connector.serviceUrl);
  });

  it('ignores someone else joining, and does not rewrite an unchanged reference on every message', async () => {
    const before = h.context.store.saves;
    await h.post(teamsConversationUpdate(h.scene, { scope: 'groupChat', from: alice, membersAdded: [{ id: zhang.id }] }));
    expect(await h.context.store.get('teams', 'channel:19:group-chat@thread.v2')).toBeUndefined();
    await h.post(teamsPersonalMessage(h.scene, { text: 'help', from: emma }));
    const afterFirst = h.context.store.saves;
    await h.post(teamsPersonalMessage(h.scene, { text: 'help', from: emma }));
    expect(afterFirst).toBeGreaterThan(before);
    expect(h.context.store.saves).toBe(afterFirst);
  });
});

describe('"Create ticket" on a message', () => {
  const html = '<p>VPN drops every 5 minutes</p><p>for the whole <b>Shanghai</b> office</p>';

  it('opens the ticket form filled in from the message', async () => {
    const res = await h.post(teamsMessageAction(h.scene, { name: 'composeExtension/fetchTask', from: alice, html }));
    expect(res.body.task.type).toBe('continue');
    const form = res.body.task.value.card.content;
    expect(form.body.find((e: { id?: string }) => e.id === 'title').value).toBe('VPN drops every 5 minutes');
    expect(form.actions[0]).toMatchObject({ type: 'Action.Submit', data: { dubanAction: 'open', dubanLink: expect.stringMatching(/^https:\/\/teams\.microsoft\.com\//) } });
  });

  it('files the form with a link back to the message, and posts the ticket card where the message is', async () => {
    h.context.script = [{ text: 'Opened T-13: VPN drops', card: ticketCard('open') }];
    const data = { dubanAction: 'open', dubanLink: 'https://teams.microsoft.com/l/message/x/1', title: 'VPN drops', description: 'whole office', type: '' };
    const res = await h.post(teamsMessageAction(h.scene, { name: 'composeExtension/submitAction', from: alice, html, data }));
    expect(res.body).toEqual({ task: { type: 'message', value: 'Opened T-13: VPN drops' } });
    expect(h.context.handled[0]).toMatchObject({ kind: 'action', action: { id: 'open', values: { title: 'VPN drops', description: 'whole office' } }, messageLink: 'https://teams.microsoft.com/l/message/x/1' });
    expect(h.context.published).toHaveLength(1);
    expect(h.context.published[0].to.conversationId).toBe(CHANNEL_ID);
  });

  it('files the message directly when the action sends no form', async () => {
    await h.post(teamsMessageAction(h.scene, { name: 'composeExtension/submitAction', from: alice, html }));
    expect(h.context.handled[0].action).toEqual({ id: 'open', values: { title: 'VPN drops every 5 minutes', description: 'VPN drops every 5 minutes\nfor the whole Shanghai office' } });
    expect(h.context.handled[0].messageLink).toMatch(/^https:\/\/teams\.microsoft\.com\//);
  });
});
