import { describe, it, expect } from '@jest/globals';
import {
  actionValues,
  botWasAdded,
  cardActionOf,
  commandText,
  conversationRefOf,
  deliveryIdOf,
  fullConversationId,
  htmlToText,
  localeOf,
  mentionsBot,
  mentionToken,
  messageActionPayload,
  otherMentions,
  referenceKey,
  splitConversationId,
  type TeamsActivity,
} from '../../../../adapters/teams/teams.parse.js';
import {
  CHANNEL_ID,
  TENANT_ID,
  teamsCardAction,
  teamsCardSubmit,
  teamsChannelMessage,
  teamsConversationUpdate,
  teamsMessageAction,
  teamsPersonalMessage,
  teamsUser,
} from '../../../support/teams-activities.js';
import { Directory } from '../../../../src/org/directory.js';
import { demoOrgData } from '../../../../src/org/demo-org.js';

const scene = { serviceUrl: 'https://smba.trafficmanager.net/emea/' };
const alice = teamsUser('Alice Chen', '7faf8ab2-3d56-4244-b585-20c8a42ed2b8');
const zhang = teamsUser('Zhang Wei', '11111111-2222-4333-8444-555555555555');
const asActivity = (a: object) => a as unknown as TeamsActivity;

describe('commandText: the bot mention is removed by its entity', () => {
  it('strips a leading @Duban and keeps the command', () => {
    const a = asActivity(teamsChannelMessage(scene, { text: 'claim T-12', from: alice, mentionBot: true }));
    expect(a.text).toBe('<at>Duban</at> claim T-12');
    expect(commandText(a)).toBe('claim T-12');
    expect(mentionsBot(a)).toBe(true);
  });

  it('leaves the bot name alone where it is only text (not the mention)', () => {
    const a = asActivity(teamsChannelMessage(scene, { text: 'note T-12 Duban should page Duban on-call', from: alice, mentionBot: true }));
    expect(commandText(a)).toBe('note T-12 Duban should page Duban on-call');
  });

  it('removes the mention wherever it is, and only the one the entity names', () => {
    const a = asActivity({
      ...teamsChannelMessage(scene, { text: 'x', from: alice }),
      text: 'ticket claim T-7 <at>Duban</at>',
      entities: [{ type: 'mention', text: '<at>Duban</at>', mentioned: { id: '28:00000000-0000-4000-8000-0000000b0001', name: 'Duban' } }],
    });
    expect(commandText(a)).toBe('ticket claim T-7');
  });

  it('does not strip an <at>Duban</at> typed by hand when no entity says it is the bot', () => {
    const a = asActivity({ ...teamsChannelMessage(scene, { text: '<at>Duban</at> claim T-1', from: alice }), entities: [] });
    expect(mentionsBot(a)).toBe(false);
    expect(commandText(a)).toBe('<at>Duban</at> claim T-1');
  });

  it('works with a bot whose display name differs from the text Teams shows', () => {
    const a = asActivity({
      ...teamsChannelMessage(scene, { text: 'x', from: alice }),
      text: '<at>督办</at> 认领 T-12',
      entities: [{ type: 'mention', text: '<at>督办</at>', mentioned: { id: '28:00000000-0000-4000-8000-0000000b0001', name: 'Duban' } }],
    });
    expect(commandText(a)).toBe('认领 T-12');
  });

  it('keeps Chinese verbs and the /工单 prefix as typed', () => {
    expect(commandText(asActivity(teamsPersonalMessage(scene, { text: '/工单 认领 T-12', from: alice })))).toBe('/工单 认领 T-12');
    expect(commandText(asActivity(teamsPersonalMessage(scene, { text: '认领\u00a0T-12', from: alice })))).toBe('认领 T-12');
  });
});

describe('other people mentioned in a command', () => {
  const msg = asActivity(teamsChannelMessage(scene, { text: 'assign T-12 <at>Zhang Wei</at>', from: alice, mentionBot: true, mentions: [zhang] }));

  it('are listed with their channel account id and name, the bot excluded', () => {
    expect(otherMentions(msg)).toEqual([{ text: '<at>Zhang Wei</at>', userId: zhang.id, name: 'Zhang Wei' }]);
  });

  it('become the person id when the directory knows them', () => {
    expect(commandText(msg, new Map([[zhang.id, mentionToken({ name: 'Zhang Wei' }, 'zhang.wei')]]))).toBe('assign T-12 @zhang.wei');
  });

  it('otherwise become one word the directory resolves by name', () => {
    const token = mentionToken({ name: 'Emma Clark' });
    expect(token).toBe('"<at>Emma Clark</at>"');
    const directory = new Directory(demoOrgData());
    // The tokenizer keeps the quoted form together; findPerson reads the Teams <at> form.
    expect(directory.findPerson('<at>Emma Clark</at>')?.id).toBe('emma.clark');
    expect(mentionToken({ name: 'Raj' })).toBe('<at>Raj</at>');
    expect(mentionToken({ name: '  ' })).toBe('');
  });
});

describe('conversation references', () => {
  it('splits a channel thread id and rebuilds it', () => {
    expect(splitConversationId(`${CHANNEL_ID};messageid=1759881511856`)).toEqual({ base: CHANNEL_ID, threadId: '1759881511856' });
    expect(splitConversationId('a:1xyz')).toEqual({ base: 'a:1xyz' });
    expect(fullConversationId({ conversationId: CHANNEL_ID, threadId: '42' })).toBe(`${CHANNEL_ID};messageid=42`);
    expect(fullConversationId({ conversationId: CHANNEL_ID })).toBe(CHANNEL_ID);
  });

  it('carries what is needed to answer later: service URL, tenant, bot, team and channel', () => {
    const a = asActivity(teamsChannelMessage(scene, { text: 'list', from: alice, mentionBot: true, id: '1760000000777' }));
    expect(conversationRefOf(a)).toEqual({
      platform: 'teams',
      conversationId: CHANNEL_ID,
      threadId: '1760000000777',
      messageId: '1760000000777',
      extras: expect.objectContaining({ serviceUrl: scene.serviceUrl, tenantId: TENANT_ID, botId: '28:00000000-0000-4000-8000-0000000b0001', conversationType: 'channel', channelId: CHANNEL_ID }),
    });
    expect(deliveryIdOf(a)).toBe('teams:1760000000777');
    expect(referenceKey(conversationRefOf(a), alice.aadObjectId)).toBe(`channel:${CHANNEL_ID}`);
  });

  it('keys a personal chat by the person', () => {
    const ref = conversationRefOf(asActivity(teamsPersonalMessage(scene, { text: 'help', from: alice })));
    expect(ref.extras?.conversationType).toBe('personal');
    expect(referenceKey(ref, alice.aadObjectId)).toBe(`user:${alice.aadObjectId}`);
  });

  it('reads the locale from the activity, then from clientInfo', () => {
    expect(localeOf(asActivity(teamsPersonalMessage(scene, { text: 'x', from: alice, locale: 'zh-CN' })))).toBe('zh-CN');
    expect(localeOf(asActivity({ ...teamsPersonalMessage(scene, { text: 'x', from: alice }), locale: undefined, entities: [{ type: 'clientInfo', locale: 'zh-TW' }] }))).toBe('zh-CN');
    expect(localeOf(asActivity({ ...teamsPersonalMessage(scene, { text: 'x', from: alice }), locale: 'fr-FR' }))).toBe('en');
  });
});

describe('card actions', () => {
  it('reads an Action.Execute invoke: the verb, and data merged with inputs as strings', () => {
    const a = asActivity(teamsCardAction(scene, { verb: 'escalate', data: { id: 'T-12', reason: ' customer waiting ', urgent: true, count: 3, empty: '', nested: { x: 1 } }, from: alice }));
    expect(cardActionOf(a)).toEqual({ id: 'escalate', values: { id: 'T-12', reason: 'customer waiting', urgent: 'true', count: '3' } });
  });

  it('reads an Action.Submit from an older client by its marker', () => {
    const a = asActivity(teamsCardSubmit(scene, { verb: 'claim', data: { id: 'T-3', msteams: { type: 'messageBack' } }, from: alice }));
    expect(cardActionOf(a)).toEqual({ id: 'claim', values: { id: 'T-3' } });
  });

  it('ignores a message value that is not one of Duban\'s cards, and an invoke without a verb', () => {
    expect(cardActionOf(asActivity(teamsPersonalMessage(scene, { text: 'hi', from: alice, value: { property: 'x' } })))).toBeUndefined();
    const noVerb = asActivity({ ...teamsCardAction(scene, { verb: 'claim', from: alice }), value: { action: { type: 'Action.Execute', data: { id: 'T-1' } } } });
    expect(cardActionOf(noVerb)).toBeUndefined();
    expect(actionValues(['a'])).toEqual({});
    expect(actionValues(null)).toEqual({});
  });
});

describe('the "Create ticket" message action', () => {
  it('files the message text: first line as the title, all of it as the description, and the link back', () => {
    const a = asActivity(teamsMessageAction(scene, { name: 'composeExtension/submitAction', from: alice, html: '<p>Printer on floor 3 &amp; 4 is down</p><p>Since 9am, <b>urgent</b></p>' }));
    expect(messageActionPayload(a)).toEqual({
      title: 'Printer on floor 3 & 4 is down',
      description: 'Printer on floor 3 & 4 is down\nSince 9am, urgent',
      messageLink: 'https://teams.microsoft.com/l/message/19:duban-test-channel@thread.tacv2/1760000000001',
    });
  });

  it('shortens a long first line and refuses a link that is not https', () => {
    const long = 'x'.repeat(300);
    const a = asActivity(teamsMessageAction(scene, { name: 'composeExtension/submitAction', from: alice, html: long, linkToMessage: 'javascript:alert(1)' }));
    const payload = messageActionPayload(a)!;
    expect(payload.title.length).toBe(120);
    expect(payload.messageLink).toBeUndefined();
  });

  it('turns Teams HTML into text', () => {
    expect(htmlToText('a<br>b<div>c</div>&lt;at&gt;x&lt;/at&gt; &#x4e2d;&#25991; &unknown; &#99999999;')).toBe('a\nb\nc\n<at>x</at> 中文 &unknown; &#99999999;');
  });
});

describe('installation', () => {
  it('knows when the bot itself was added, not someone else', () => {
    expect(botWasAdded(asActivity(teamsConversationUpdate(scene, { scope: 'team', from: alice })))).toBe(true);
    expect(botWasAdded(asActivity(teamsConversationUpdate(scene, { scope: 'team', from: alice, membersAdded: [{ id: zhang.id }] })))).toBe(false);
  });
});
