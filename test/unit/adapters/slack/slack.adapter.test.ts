// The adapter on a real HTTP server with the real Bolt app, signed requests in,
// Web API calls out to a local fake Slack; Duban itself is a hand-made context.
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { card } from '../../../../src/core/card.js';
import { DeliveryError } from '../../../../src/core/chat-adapter.js';
import { renderReply } from '../../../../adapters/slack/slack.render.js';
import { encodeOrigin } from '../../../../adapters/slack/slack.render.js';
import { startSlackHarness, eventually, type SlackHarness } from '../../../support/slack-adapter-harness.js';
import {
  slackBlockAction,
  slackCommand,
  slackDirectMessage,
  slackHomeOpened,
  slackMention,
  slackMessageShortcut,
  slackUrlVerification,
  slackViewSubmission,
} from '../../../support/slack-requests.js';

const SAM = { id: 'sam.taylor', name: 'Sam Taylor', locale: 'en' as const };
const ticket = (state: string) =>
  card(`T-5 · Printer`, 'info').subject('ticket:T-5').field('State', state).button('resolve', 'Resolve', { id: 'T-5' }).input('reason', 'Reason').button('escalate', 'Escalate', { id: 'T-5' }).build();

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness({ ackWithinMs: 300 });
  h.context.people.set('U0SAM', SAM);
});
afterEach(async () => {
  await h.stop();
});

describe('slash commands', () => {
  it('acks within 3 s with the private reply as ephemeral and queues the public card in the channel', async () => {
    h.context.script = [{ text: 'Opened T-5: Printer <!channel>', private: true }, { card: ticket('open') }];
    const started = Date.now();
    const res = await h.post(slackCommand({ text: 'open Printer <!channel> --priority P2', userId: 'U0SAM', channelId: 'C0OPS', triggerId: '11.22.33' }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('Opened T-5: Printer &lt;!channel&gt;');
    expect(h.context.handled).toHaveLength(1);
    expect(h.context.handled[0]).toMatchObject({ kind: 'text', text: 'open Printer <!channel> --priority P2', deliveryId: 'slack:cmd:T0TEST:11.22.33', actor: { personId: 'sam.taylor', displayName: 'Sam Taylor' } });
    await eventually(() => h.context.published.length === 1, 'the public card');
    expect(h.context.published[0]).toMatchObject({ to: { platform: 'slack', conversationId: 'C0OPS' }, key: 'slack:cmd:T0TEST:11.22.33:1', reply: { card: { subject: 'ticket:T-5' } } });
    expect(h.context.publishedLocales.get('slack:cmd:T0TEST:11.22.33:1')).toBe('en');
  });

  it('says "working on it" when the command is slow, then replaces it with the answer through response_url', async () => {
    h.context.delayMs = 800;
    h.context.script = [{ text: 'Here is your list', private: true }];
    const responseUrl = h.api.responseUrl('slow');
    const started = Date.now();
    const res = await h.post(slackCommand({ text: 'list mine', userId: 'U0SAM', responseUrl }));
    expect(Date.now() - started).toBeLessThan(800);
    expect(((await res.json()) as any).text).toBe('Working on it…');
    const [answer] = await h.api.waitForCalls('response_url');
    expect(answer.path).toBe('/response/slow');
    expect(answer.body).toMatchObject({ replace_original: true, text: 'Here is your list' });
  });

  it('removes "working on it" when a slow command has only public answers', async () => {
    h.context.delayMs = 600;
    h.context.script = [{ card: ticket('open') }];
    const res = await h.post(slackCommand({ text: 'show T-5', userId: 'U0SAM', responseUrl: h.api.responseUrl('public') }));
    expect(((await res.json()) as any).text).toBe('Working on it…');
    const [answer] = await h.api.waitForCalls('response_url');
    expect(answer.body).toEqual({ delete_original: true });
    await eventually(() => h.context.published.length === 1, 'the public card');
  });

  it('opens the modal for `/ticket open` or `新建` with nothing after it, without running a command', async () => {
    for (const [text, title] of [['open', 'Open a ticket'], ['新建', '新建工单']] as const) {
      h.api.reset();
      if (text === '新建') h.context.people.set('U0ZH', { id: 'zhang.wei', name: '张伟', locale: 'zh-CN' });
      const res = await h.post(slackCommand({ text, userId: text === '新建' ? 'U0ZH' : 'U0SAM', channelId: 'C0OPS', triggerId: `t.${text}` }));
      expect(res.status).toBe(200);
      const [call] = await h.api.waitForCalls('views.open');
      expect(call.body.trigger_id).toBe(`t.${text}`);
      expect(call.body.view).toMatchObject({ type: 'modal', callback_id: 'ticket_open' });
      expect(call.body.view.title.text).toBe(title);
      expect(JSON.parse(call.body.view.private_metadata)).toEqual({ c: 'C0OPS' });
    }
    expect(h.context.handled).toHaveLength(0);
  });
});

describe('interactivity', () => {
  it('a modal submission runs `open` with the form values and posts the card where the modal was opened', async () => {
    h.context.script = [{ text: 'Opened T-6', card: ticket('open') }];
    const res = await h.post(
      slackViewSubmission({ userId: 'U0SAM', viewId: 'V0OPEN', hash: 'h1', values: { title: 'Printer on fire', description: 'smoke' }, selects: { priority: 'P1' }, privateMetadata: encodeOrigin({ channel: 'C0OPS' }) }),
    );
    expect(res.status).toBe(200);
    await eventually(() => h.context.published.length === 1, 'the ticket card');
    expect(h.context.handled[0]).toMatchObject({ kind: 'action', action: { id: 'open', values: { title: 'Printer on fire', description: 'smoke', priority: 'P1' } }, deliveryId: 'slack:view:V0OPEN:h1' });
    expect(h.context.published[0]).toMatchObject({ to: { conversationId: 'C0OPS' }, key: 'slack:view:V0OPEN:h1:0' });
  });

  it('a button click runs the command and replaces the clicked card in place', async () => {
    h.context.script = [{ text: 'T-5 resolved.', card: ticket('resolved') }];
    const clicked = { ts: '1700000000.000777', blocks: renderReply({ card: ticket('claimed') }).blocks };
    const res = await h.post(slackBlockAction({ userId: 'U0SAM', channelId: 'C0OPS', message: clicked, action: { action_id: 'resolve', value: '{"id":"T-5"}' }, actionTs: '1700000009.5' }));
    expect(res.status).toBe(200);
    const [update] = await h.api.waitForCalls('chat.update');
    expect(h.context.handled[0]).toMatchObject({ kind: 'action', action: { id: 'resolve', values: { id: 'T-5' } }, deliveryId: 'slack:act:1700000000.000777:1700000009.5', via: 'button' });
    expect(update.body).toMatchObject({ channel: 'C0OPS', ts: '1700000000.000777' });
    expect(JSON.stringify(update.body.blocks)).toContain('State\\nresolved');
    expect(h.context.published).toHaveLength(0);
  });

  it('a click that fails validation answers only the clicker and leaves the card as it was', async () => {
    h.context.script = [{ text: 'Give a reason: /ticket escalate <id> <reason>', private: true }];
    const clicked = { ts: '1700000000.000888', blocks: renderReply({ card: ticket('claimed') }).blocks };
    const responseUrl = h.api.responseUrl('click');
    await h.post(slackBlockAction({ userId: 'U0SAM', message: clicked, action: { action_id: 'escalate', block_id: 'act:1', value: '{"id":"T-5"}' }, state: { 'input:reason': { reason: '' } }, responseUrl }));
    const [answer] = await h.api.waitForCalls('response_url');
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: 'Give a reason: /ticket escalate &lt;id&gt; &lt;reason&gt;' });
    expect(h.api.callsTo('chat.update')).toHaveLength(0);
  });

  it('the message shortcut opens the form filled with the message and remembers its permalink', async () => {
    await h.post(slackMessageShortcut({ userId: 'U0SAM', channelId: 'C0OPS', text: 'VPN down for &lt;all&gt; of sales\nsince 9:00', ts: '1700000100.000200' }));
    const [call] = await h.api.waitForCalls('views.open');
    const inputs = Object.fromEntries(call.body.view.blocks.map((b: any) => [b.element.action_id, b.element]));
    expect(inputs.title.initial_value).toBe('VPN down for <all> of sales');
    expect(inputs.description.initial_value).toBe('VPN down for <all> of sales\nsince 9:00');
    expect(JSON.parse(call.body.view.private_metadata)).toEqual({ c: 'C0OPS', t: '1700000100.000200', l: 'https://duban-test.slack.com/archives/C0OPS/p1700000100000200' });
  });
});

describe('events', () => {
  it('answers url_verification with the challenge', async () => {
    const res = await h.post(slackUrlVerification('challenge-abc'));
    expect(await res.json()).toEqual({ challenge: 'challenge-abc' });
  });

  it('a mention runs the text after the mention; private answers are ephemeral, cards go to the thread', async () => {
    h.context.script = [{ text: 'Claimed.', private: true }, { card: ticket('claimed') }];
    const res = await h.post(slackMention({ text: `<@${h.api.botUserId}> claim T-5`, userId: 'U0SAM', channelId: 'C0OPS', threadTs: '1700000000.000111', eventId: 'Ev0M1' }));
    expect(res.status).toBe(200);
    const [ephemeral] = await h.api.waitForCalls('chat.postEphemeral');
    expect(h.context.handled[0]).toMatchObject({ text: 'claim T-5', via: 'mention', deliveryId: 'slack:evt:Ev0M1' });
    expect(ephemeral.body).toMatchObject({ channel: 'C0OPS', user: 'U0SAM', thread_ts: '1700000000.000111', text: 'Claimed.' });
    await eventually(() => h.context.published.length === 1, 'the card');
    expect(h.context.published[0].to).toEqual({ platform: 'slack', conversationId: 'C0OPS', threadId: '1700000000.000111' });
  });

  it('a retried event (same event_id, x-slack-retry-num) gets a fast 200 and is applied and answered once', async () => {
    h.context.script = [{ text: 'Noted.', private: true }];
    const request = slackMention({ text: `<@${h.api.botUserId}> note T-5 called back`, userId: 'U0SAM', eventId: 'Ev0RETRY' });
    expect((await h.post(request)).status).toBe(200);
    await h.api.waitForCalls('chat.postEphemeral');
    const started = Date.now();
    const retry = await h.post(request, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await eventually(() => h.context.handled.length === 2, 'the retry to reach handle');
    expect(h.context.handled.map((i) => i.deliveryId)).toEqual(['slack:evt:Ev0RETRY', 'slack:evt:Ev0RETRY']);
    expect(h.context.applied()).toEqual(['slack:evt:Ev0RETRY']);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.api.callsTo('chat.postEphemeral')).toHaveLength(1);
  });

  it('a DM is run and answered in the DM; the bot’s own messages are ignored', async () => {
    h.context.script = [{ text: 'Your tickets', private: true }];
    await h.post(slackDirectMessage({ text: 'list mine', userId: 'U0SAM', channelId: 'D0SAM', eventId: 'Ev0DM1' }));
    await h.post(slackDirectMessage({ text: 'Your tickets', userId: h.api.botUserId, channelId: 'D0SAM', eventId: 'Ev0DM2' }));
    await eventually(() => h.context.published.length === 1, 'the DM answer');
    expect(h.context.published[0]).toMatchObject({ to: { conversationId: 'D0SAM' }, key: 'slack:evt:Ev0DM1:0' });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.context.handled.map((i) => i.deliveryId)).toEqual(['slack:evt:Ev0DM1']);
  });

  it('opening the Home tab publishes the person’s cards; an unlinked person is told how to get linked', async () => {
    h.context.homeCards = [card('My open tickets (1)', 'info').field('T-5 · Printer', 'claimed · P2', false).button('show', 'Show T-5', { id: 'T-5' }).build()];
    await h.post(slackHomeOpened({ userId: 'U0SAM' }));
    const [mine] = await h.api.waitForCalls('views.publish');
    expect(mine.body).toMatchObject({ user_id: 'U0SAM', view: { type: 'home' } });
    expect(JSON.stringify(mine.body.view.blocks)).toContain('My open tickets (1)');

    h.api.users.set('U0NEW', { locale: 'zh-CN', name: 'new person' });
    await h.post(slackHomeOpened({ userId: 'U0NEW' }));
    const calls = await h.api.waitForCalls('views.publish', 2);
    const text = JSON.stringify(calls[1].body.view.blocks);
    expect(text).toContain('/ticket admin link &lt;@U0NEW&gt;');
    expect(text).toContain('管理员');
  });
});

describe('identity', () => {
  it('looks up an unlinked user’s e-mail once, links by it, and reuses the profile for 10 minutes', async () => {
    h.api.users.set('U0RAJ', { email: 'raj@example.com', locale: 'en-GB', name: 'raj' });
    h.context.byEmail.set('raj@example.com', { id: 'raj.patel', name: 'Raj Patel', locale: 'en' });
    h.context.people.delete('U0SAM');
    h.api.users.set('U0SAM', { locale: 'zh-CN' });
    await h.post(slackCommand({ text: 'help', userId: 'U0RAJ' }));
    await h.post(slackCommand({ text: 'help', userId: 'U0SAM' }));
    await h.post(slackCommand({ text: 'help', userId: 'U0SAM' }));
    expect(h.context.handled.map((i) => [i.actor.personId, i.actor.locale])).toEqual([
      ['raj.patel', 'en'],
      [undefined, 'zh-CN'],
      [undefined, 'zh-CN'],
    ]);
    expect(h.api.callsTo('users.info').map((c) => c.body.user)).toEqual(['U0RAJ', 'U0SAM']);
    expect(h.context.identifyCalls).toContainEqual({ platform: 'slack', userId: 'U0RAJ', email: 'raj@example.com' });
    h.clock.advance(11 * 60 * 1000);
    await h.post(slackCommand({ text: 'help', userId: 'U0SAM' }));
    expect(h.api.callsTo('users.info').map((c) => c.body.user)).toEqual(['U0RAJ', 'U0SAM', 'U0SAM']);
  });
});

describe('refusals', () => {
  it.each([
    ['a forged signature', { secret: 'not-the-secret' }],
    ['a timestamp 6 minutes old', { timestampSeconds: -360 }],
    ['a timestamp 6 minutes in the future', { timestampSeconds: 360 }],
    ['no signature at all', { unsigned: true }],
  ])('%s gets 401 and nothing is handled', async (_what, o: { secret?: string; timestampSeconds?: number; unsigned?: boolean }) => {
    const request = slackCommand({ text: 'close T-5', userId: 'U0SAM' });
    const res = await h.post(request, { ...o, timestampSeconds: o.timestampSeconds !== undefined ? h.nowSeconds() + o.timestampSeconds : undefined });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error).toMatch(/signature|timestamp/);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.context.handled).toHaveLength(0);
    expect(h.api.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });

  it('a signed body that is not Slack’s gets 400 and is not handled', async () => {
    const res = await h.post({ contentType: 'application/json', body: '[not an object' });
    expect(res.status).toBe(400);
    expect(h.context.handled).toHaveLength(0);
  });
});

describe('sending (the outbox’s way out)', () => {
  const to = { platform: 'slack' as const, conversationId: 'C0OPS' };

  it('posts once, in the thread when given, and returns the message ts', async () => {
    const sent = await h.adapter.send({ ...to, threadId: '1700000000.000001' }, { text: 'Hello <!here>', card: ticket('open') });
    const [call] = h.api.callsTo('chat.postMessage');
    expect(call.body).toMatchObject({ channel: 'C0OPS', thread_ts: '1700000000.000001', text: 'Hello &lt;!here&gt;' });
    expect(call.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(sent.messageId).toMatch(/^1700000000\.\d+$/);
    expect(sent.conversation).toMatchObject({ conversationId: 'C0OPS', messageId: sent.messageId });
    await h.adapter.update!(sent, { card: ticket('resolved') });
    expect(h.api.callsTo('chat.update')[0].body).toMatchObject({ channel: 'C0OPS', ts: sent.messageId });
  });

  it('a 429 becomes a DeliveryError with Retry-After, after exactly one attempt', async () => {
    h.api.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 7 });
    const err = await h.adapter.send(to, { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryAfterMs: 7000, permanent: false, status: 429 });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a 5xx is transient; a gone or forbidden channel is permanent', async () => {
    h.api.failNext('chat.postMessage', { status: 500 });
    await expect(h.adapter.send(to, { text: 'x' })).rejects.toMatchObject({ permanent: false, status: 500 });
    for (const error of ['channel_not_found', 'not_in_channel', 'is_archived', 'account_inactive', 'invalid_auth']) {
      h.api.failNext('chat.postMessage', { error });
      await expect(h.adapter.send(to, { text: 'x' })).rejects.toMatchObject({ name: 'DeliveryError', permanent: true, message: `slack chat.postMessage: ${error}` });
    }
    h.api.failNext('chat.update', { error: 'message_not_found' });
    await expect(h.adapter.update!({ platform: 'slack', conversation: to, messageId: '1.2' }, { text: 'x' })).rejects.toMatchObject({ permanent: true });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(6);
  });

  it('opens the DM with a user', async () => {
    expect(await h.adapter.directConversation!('U0SAM')).toEqual({ platform: 'slack', conversationId: 'D0SAM' });
    expect(h.adapter.limits).toEqual({ perConversationPerSecond: 1 });
    expect(h.adapter.platform).toBe('slack');
  });
});
