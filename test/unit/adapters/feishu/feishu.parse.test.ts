import { describe, it, expect } from '@jest/globals';
import { splitCommandLine } from '../../../../conversations/parse/command-line.js';
import { Directory } from '../../../../src/org/directory.js';
import { demoOrgData } from '../../../../src/org/demo-org.js';
import { commandText, isBotMentioned, isFileRequest, messageText, readCardAction, readMessageEvent } from '../../../../adapters/feishu/feishu.parse.js';
import { feishuCardAction, feishuLegacyCardAction, feishuMessageEvent } from '../../../support/feishu-requests.js';

const BOT = 'ou_duban_bot';

describe('readMessageEvent', () => {
  it('reads the raw push and the SDK-flattened shape alike', () => {
    const push = feishuMessageEvent({ text: '@_user_1 认领 T-12', mentions: [{ openId: BOT, name: 'Duban' }], senderOpenId: 'ou_a', eventId: 'ev1', rootId: 'om_root' });
    const flattened = { ...push.header, ...push.event, schema: '2.0' };
    for (const shape of [push, flattened]) {
      expect(readMessageEvent(shape)).toMatchObject({
        eventId: 'ev1',
        chatType: 'group',
        rootId: 'om_root',
        messageType: 'text',
        senderType: 'user',
        sender: { open_id: 'ou_a' },
        mentions: [{ key: '@_user_1', id: { open_id: BOT }, name: 'Duban' }],
      });
    }
  });

  it('gives up on events without a message, chat or sender', () => {
    expect(readMessageEvent({})).toBeUndefined();
    expect(readMessageEvent('x')).toBeUndefined();
    const push = feishuMessageEvent({ text: 'hi' });
    delete push.event.message.chat_id;
    expect(readMessageEvent(push)).toBeUndefined();
  });
});

describe('messageText', () => {
  it('parses the JSON string content of text messages', () => {
    expect(messageText('text', JSON.stringify({ text: '/工单 认领 T-12' }))).toBe('/工单 认领 T-12');
  });

  it('takes the plain text of a rich-text post, keeping mention placeholders', () => {
    const post = { title: '', content: [[{ tag: 'at', user_id: '@_user_1', user_name: 'Duban' }, { tag: 'text', text: ' 备注 T-3 ' }, { tag: 'a', text: '链接', href: 'https://x' }], [{ tag: 'img', image_key: 'k' }, { tag: 'text', text: '第二行' }]] };
    expect(messageText('post', JSON.stringify(post))).toBe('@_user_1 备注 T-3 链接\n第二行');
    expect(messageText('post', JSON.stringify({ zh_cn: { title: '标题', content: [[{ tag: 'text', text: '内容' }]] } }))).toBe('标题\n内容');
  });

  it('has nothing for images, stickers or broken content', () => {
    expect(messageText('image', JSON.stringify({ image_key: 'img_1' }))).toBeUndefined();
    expect(messageText('sticker', JSON.stringify({ file_key: 'f' }))).toBeUndefined();
    expect(messageText('text', 'not json')).toBeUndefined();
  });
});

describe('commandText', () => {
  const mentions = [
    { key: '@_user_1', id: { open_id: BOT }, name: 'Duban' },
    { key: '@_user_2', id: { open_id: 'ou_zhang' }, name: '张伟' },
  ];

  it("removes the bot's placeholder and replaces other people's with what the directory understands", () => {
    const text = commandText('@_user_1 assign T-12 @_user_2', mentions, BOT, new Map([['@_user_2', '@zhang.wei']]));
    expect(text).toBe('assign T-12 @zhang.wei');
  });

  it('does not mistake @_user_10 for @_user_1', () => {
    const many = [...mentions, { key: '@_user_10', id: { open_id: 'ou_ten' }, name: 'Ten' }];
    expect(commandText('@_user_1 note T-1 @_user_10', many, BOT, new Map([['@_user_10', '@ten']]))).toBe('note T-1 @ten');
  });

  it('falls back to the name without spaces when no replacement is given', () => {
    expect(commandText('@_user_1 assign T-1 @_user_2', mentions, BOT, new Map())).toBe('assign T-1 @张伟');
  });

  it('produces words a directory lookup resolves (person id, or the open_id of a linked identity)', () => {
    const org = new Directory(demoOrgData());
    const byId = commandText('@_user_1 assign T-1 @_user_2', mentions, BOT, new Map([['@_user_2', '@zhang.wei']]));
    expect(org.findPerson(splitCommandLine(byId).rest.split(' ')[1])?.id).toBe('zhang.wei');
    const byOpenId = commandText('@_user_1 assign T-1 @_user_2', mentions, BOT, new Map([['@_user_2', '@ou_demo_zhang_wei']]));
    expect(org.findPerson(splitCommandLine(byOpenId).rest.split(' ')[1])?.id).toBe('zhang.wei');
  });

  it.each([
    ['/工单 认领 T-12', '认领'],
    ['工单 认领 T-12', '认领'],
    ['/ticket claim T-12', 'claim'],
    ['认领 T-12', '认领'],
    ['／工单 认领 T-12', '认领'],
  ])('%s reaches the router as the verb %s with T-12', (typed, verb) => {
    const text = commandText(`@_user_1 ${typed}`, mentions, BOT, new Map());
    expect(splitCommandLine(text)).toEqual({ verb, rest: 'T-12' });
  });

  it('keeps a p2p message as typed (no mentions to remove)', () => {
    expect(commandText('  列表   mine ', [], BOT, new Map())).toBe('列表 mine');
  });

  it('recognises the bot mention by open_id only', () => {
    expect(isBotMentioned(mentions, BOT)).toBe(true);
    expect(isBotMentioned([mentions[1]], BOT)).toBe(false);
  });
});

describe('isFileRequest', () => {
  it.each(['创建工单', '/工单 创建工单', '工单 新建', '新建', 'open', '/ticket open', 'file'])('%s asks to file a message or open the form', (text) => {
    expect(isFileRequest(text)).toBe(true);
  });
  it.each(['新建 打印机坏了', 'open Printer down', '认领 T-1', ''])('%s does not', (text) => {
    expect(isFileRequest(text)).toBe(false);
  });
});

describe('readCardAction', () => {
  it('reads a new-style click: verb from value.action, values, form inputs, operator and message', () => {
    const push = feishuCardAction({
      value: { action: 'escalate', id: 'T-5', _subject: 'ticket:T-5' },
      formValue: { reason: '客户很急', text: '' },
      operatorOpenId: 'ou_op',
      messageId: 'om_1',
      chatId: 'oc_1',
      eventId: 'ev-click',
    });
    expect(readCardAction(push, false)).toEqual({
      deliveryId: 'feishu:evt:ev-click',
      operator: { open_id: 'ou_op', union_id: 'on_op', user_id: 'u_op' },
      messageId: 'om_1',
      chatId: 'oc_1',
      action: { id: 'escalate', values: { id: 'T-5', reason: '客户很急', text: '' } },
      subject: 'ticket:T-5',
    });
  });

  it('puts a select option under the field the select names', () => {
    const push = feishuCardAction({ value: { action: 'handoff', id: 'T-5', _field: 'department' }, option: 'billing' });
    expect(readCardAction(push, false)?.action).toEqual({ id: 'handoff', values: { id: 'T-5', department: 'billing' } });
  });

  it('reads the SDK-flattened shape too', () => {
    const push = feishuCardAction({ value: { action: 'claim', id: 'T-1' }, eventId: 'ev-flat' });
    const flattened = { schema: '2.0', ...push.header, ...push.event };
    expect(readCardAction(flattened, false)).toMatchObject({ deliveryId: 'feishu:evt:ev-flat', action: { id: 'claim', values: { id: 'T-1' } } });
  });

  it('reads an old-style callback with a stable delivery id per click', () => {
    const push = feishuLegacyCardAction({ value: { action: 'claim', id: 'T-2' }, operatorOpenId: 'ou_old', messageId: 'om_old' });
    const read = readCardAction(push, true);
    expect(read).toMatchObject({ operator: { open_id: 'ou_old' }, messageId: 'om_old', action: { id: 'claim', values: { id: 'T-2' } } });
    expect(read?.deliveryId).toMatch(/^feishu:card:[0-9a-f]{40}$/);
    expect(readCardAction(push, true)?.deliveryId).toBe(read?.deliveryId);
    expect(readCardAction({ ...push, token: 'c-other' }, true)?.deliveryId).not.toBe(read?.deliveryId);
  });

  it("ignores clicks on cards that are not Duban's (no action verb) and new-style clicks without an event id", () => {
    expect(readCardAction(feishuCardAction({ value: { key: 'value' } }), false)).toBeUndefined();
    const push = feishuCardAction({ value: { action: 'claim', id: 'T-1' } });
    delete push.header.event_id;
    expect(readCardAction(push, false)).toBeUndefined();
  });
});
