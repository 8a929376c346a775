import { describe, it, expect } from '@jest/globals';
import type { Actor } from '../../../../src/core/platform.js';
import { card } from '../../../../src/core/card.js';
import {
  actionToInbound,
  clickedSubject,
  commandToInbound,
  eventToInbound,
  permalink,
  prefillFromMessage,
  stripBotMention,
  unescapeSlack,
  viewToInbound,
  wantsOpenForm,
} from '../../../../adapters/slack/slack.parse.js';
import { encodeOrigin, renderReply } from '../../../../adapters/slack/slack.render.js';
import { slackBlockAction, slackCommand, slackDirectMessage, slackMention, slackViewSubmission, type SlackRequest } from '../../../support/slack-requests.js';

const NOW = new Date('2025-03-04T09:30:00Z');
const BOT = 'UBOT0DUBAN';
const actor: Actor = { platform: 'slack', platformUserId: 'U0SAM', displayName: 'Sam', personId: 'sam.taylor', locale: 'en' };

/** The body Slack would post, parsed the way the receiver parses it. */
function bodyOf(request: SlackRequest): Record<string, any> {
  if (request.contentType === 'application/json') return JSON.parse(request.body);
  const form = Object.fromEntries(new URLSearchParams(request.body));
  return form.payload ? JSON.parse(form.payload) : form;
}

describe('text from Slack', () => {
  it('decodes entities and links but keeps user, channel and special references', () => {
    expect(unescapeSlack('&lt;b&gt; &amp;amp; <@U123|sam> <#C1|general> <!channel> <https://x.example/a?b=1&amp;c=2|x.example> <mailto:a@b.cn|a@b.cn> <https://y.example>')).toBe(
      '<b> &amp; <@U123|sam> <#C1|general> <!channel> x.example a@b.cn https://y.example',
    );
  });

  it('strips the bot mention at the start, or everything up to it', () => {
    expect(stripBotMention(`<@${BOT}> claim T-1`, BOT)).toBe('claim T-1');
    expect(stripBotMention(`<@${BOT}|duban>: ticket claim T-1`, BOT)).toBe('ticket claim T-1');
    expect(stripBotMention(`hey <@${BOT}> /工单 认领 T-1`, BOT)).toBe('/工单 认领 T-1');
    expect(stripBotMention('<@U0OTHER> claim T-1', BOT)).toBe('<@U0OTHER> claim T-1');
    expect(stripBotMention('<@U0WHOEVER> claim T-1')).toBe('claim T-1');
  });

  it('asks for the form for `open` or `新建` with nothing after it, and only then', () => {
    expect(wantsOpenForm('open')).toBe(true);
    expect(wantsOpenForm('  新建 ')).toBe(true);
    expect(wantsOpenForm('ticket open')).toBe(true);
    expect(wantsOpenForm('open Printer on fire')).toBe(false);
    expect(wantsOpenForm('claim')).toBe(false);
    expect(wantsOpenForm('')).toBe(false);
  });
});

describe('slash commands', () => {
  it('become text commands with the trigger as delivery id, Chinese verbs untouched', () => {
    const body = bodyOf(slackCommand({ text: '认领 T-12', triggerId: '123.456.abc', channelId: 'C0OPS' }));
    expect(commandToInbound(body, actor, NOW)).toEqual({
      kind: 'text',
      text: '认领 T-12',
      actor,
      conversation: { platform: 'slack', conversationId: 'C0OPS' },
      deliveryId: 'slack:cmd:T0TEST:123.456.abc',
      receivedAt: NOW,
      via: 'command',
    });
  });

  it('keeps mentions as references and decodes what Slack escaped', () => {
    const body = bodyOf(slackCommand({ text: 'assign T-3 <@U0RAJ|raj> &amp; note &lt;urgent&gt;' }));
    expect(commandToInbound(body, actor, NOW).text).toBe('assign T-3 <@U0RAJ|raj> & note <urgent>');
  });
});

describe('events', () => {
  it('an app mention runs the text after the mention, in its thread, with the event id as delivery id', () => {
    const envelope = bodyOf(slackMention({ text: `<@${BOT}> ticket claim T-7 &amp; go`, eventId: 'Ev0ABC', threadTs: '1700000000.000001', ts: '1700000000.000009' }));
    expect(eventToInbound(envelope, actor, BOT, NOW)).toMatchObject({
      kind: 'text',
      text: 'ticket claim T-7 & go',
      deliveryId: 'slack:evt:Ev0ABC',
      via: 'mention',
      conversation: { platform: 'slack', conversationId: 'C0TICKETS', threadId: '1700000000.000001', messageId: '1700000000.000009' },
    });
  });

  it('a DM message runs as typed', () => {
    const inbound = eventToInbound(bodyOf(slackDirectMessage({ text: '/工单 列表 我的', eventId: 'Ev0DM' })), actor, BOT, NOW);
    expect(inbound).toMatchObject({ text: '/工单 列表 我的', via: 'message', deliveryId: 'slack:evt:Ev0DM', conversation: { conversationId: 'D0TESTER' } });
  });

  it('ignores edits, other subtypes, bot messages, the bot itself, empty text and non-DM messages', () => {
    const ignored = [
      slackDirectMessage({ text: 'claim T-1', extra: { subtype: 'message_changed' } }),
      slackDirectMessage({ text: 'claim T-1', extra: { subtype: 'bot_message', bot_id: 'B0OTHER' } }),
      slackDirectMessage({ text: 'claim T-1', extra: { bot_id: 'B0OTHER' } }),
      slackDirectMessage({ text: 'claim T-1', userId: BOT }),
      slackDirectMessage({ text: '   ' }),
      slackDirectMessage({ text: 'claim T-1', extra: { channel_type: 'channel' } }),
    ];
    for (const request of ignored) expect(eventToInbound(bodyOf(request), actor, BOT, NOW)).toBeUndefined();
    expect(eventToInbound({ event: 'nonsense' }, actor, BOT, NOW)).toBeUndefined();
    expect(eventToInbound({}, actor, BOT, NOW)).toBeUndefined();
  });
});

describe('block actions', () => {
  const ticketCard = card('T-9 · Printer', 'warning')
    .subject('ticket:T-9')
    .button('accept', 'Accept', { id: 'T-9' })
    .input('reason', 'Reason')
    .button('decline', 'Decline', { id: 'T-9' }, { style: 'danger' })
    .build();
  const message = { ts: '1700000000.000500', blocks: renderReply({ card: ticketCard }).blocks };

  it('a button runs its verb with its values and the inputs typed on the same card', () => {
    const body = bodyOf(
      slackBlockAction({ message, action: { action_id: 'decline', block_id: 'act:1', value: '{"id":"T-9"}' }, state: { 'input:reason': { reason: 'not ours' } }, actionTs: '1700000001.1' }),
    );
    expect(actionToInbound(body, actor, NOW)).toMatchObject({
      kind: 'action',
      action: { id: 'decline', values: { id: 'T-9', reason: 'not ours' } },
      deliveryId: 'slack:act:1700000000.000500:1700000001.1',
      via: 'button',
      conversation: { conversationId: 'C0TICKETS', messageId: '1700000000.000500' },
    });
    expect(clickedSubject(body)).toBe('ticket:T-9');
  });

  it("a button's values win over a typed input of the same name, and empty inputs are left out", () => {
    const body = bodyOf(slackBlockAction({ message, action: { action_id: 'review:3', value: '{"appeal":"A-1","decision":"revoke"}' }, state: { 'input:decision': { decision: 'uphold' }, 'input:note': { note: '  ' } } }));
    expect(actionToInbound(body, actor, NOW)?.action).toEqual({ id: 'review', values: { appeal: 'A-1', decision: 'revoke' } });
  });

  it("a select choice arrives under the select's name, together with its card values", () => {
    const body = bodyOf(slackBlockAction({ message, action: { action_id: 'handoff', type: 'static_select', selected_option: { value: '{"id":"T-9","department":"billing"}' } } }));
    expect(actionToInbound(body, actor, NOW)?.action).toEqual({ id: 'handoff', values: { id: 'T-9', department: 'billing' } });
  });

  it('on the Home tab only the clicked card’s inputs count, and answers go to the person', () => {
    const body = bodyOf(
      slackBlockAction({ homeViewId: 'V0HOME', action: { action_id: 'escalate', block_id: 'c1/act:0', value: '{"id":"T-2"}' }, state: { 'c0/input:reason': { reason: 'other card' }, 'c1/input:reason': { reason: 'stuck' } }, actionTs: '9.9' }),
    );
    expect(actionToInbound(body, actor, NOW)).toMatchObject({ action: { id: 'escalate', values: { id: 'T-2', reason: 'stuck' } }, deliveryId: 'slack:act:V0HOME:9.9', conversation: { conversationId: 'U0SAM' } });
    expect(clickedSubject(body)).toBeUndefined();
  });

  it('odd payloads give nothing to run instead of throwing', () => {
    expect(actionToInbound({}, actor, NOW)).toBeUndefined();
    expect(actionToInbound({ actions: [{ action_id: 'claim', type: 'datepicker' }] }, actor, NOW)).toBeUndefined();
    expect(actionToInbound({ actions: [{ action_id: 'handoff', type: 'static_select' }] }, actor, NOW)).toBeUndefined();
    expect(actionToInbound({ actions: [{ action_id: 'claim', type: 'button', value: 'not json' }], state: 'x' }, actor, NOW)?.action).toEqual({ id: 'claim', values: {} });
    expect(actionToInbound({ actions: [{ action_id: 'claim', type: 'button', value: '{"id":7,"x":"y"}' }] }, actor, NOW)?.action).toEqual({ id: 'claim', values: { x: 'y' } });
  });
});

describe('the open modal', () => {
  it('its submission runs `open` with the form values, where it was opened, linked to the filed message', () => {
    const body = bodyOf(
      slackViewSubmission({
        viewId: 'V0OPEN',
        hash: '1700.abc',
        values: { title: 'Printer <on> fire', customer: 'ACME', description: 'smoke' },
        selects: { priority: 'P2', type: 'incident' },
        privateMetadata: encodeOrigin({ channel: 'C0OPS', thread: '1700000000.000100', link: 'https://duban-test.slack.com/archives/C0OPS/p1700000000000100' }),
      }),
    );
    expect(viewToInbound(body, actor, NOW)).toEqual({
      kind: 'action',
      action: { id: 'open', values: { title: 'Printer <on> fire', customer: 'ACME', description: 'smoke', priority: 'P2', type: 'incident' } },
      actor,
      conversation: { platform: 'slack', conversationId: 'C0OPS', threadId: '1700000000.000100' },
      deliveryId: 'slack:view:V0OPEN:1700.abc',
      receivedAt: NOW,
      messageLink: 'https://duban-test.slack.com/archives/C0OPS/p1700000000000100',
      via: 'button',
    });
  });

  it('without a channel in its metadata the answer goes to the person', () => {
    const body = bodyOf(slackViewSubmission({ values: { title: 'x' }, privateMetadata: 'garbage' }));
    expect(viewToInbound(body, actor, NOW)?.conversation).toEqual({ platform: 'slack', conversationId: 'U0SAM' });
  });

  it('builds permalinks only from well-formed parts, and prefills from the message', () => {
    expect(permalink('duban-test', 'C0OPS', '1700000000.000100')).toBe('https://duban-test.slack.com/archives/C0OPS/p1700000000000100');
    expect(permalink('evil.example/x', 'C0OPS', '1700000000.000100')).toBeUndefined();
    expect(permalink('duban-test', 'C0OPS', 'nope')).toBeUndefined();
    expect(prefillFromMessage('\n  Printer &amp; scanner down\nsince 9am <@U0RAJ>')).toEqual({ title: 'Printer & scanner down', description: 'Printer & scanner down\nsince 9am <@U0RAJ>' });
    expect(prefillFromMessage('x'.repeat(400)).title).toHaveLength(150);
    expect(prefillFromMessage(undefined)).toEqual({});
  });
});
