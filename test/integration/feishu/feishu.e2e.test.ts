// Duban on Feishu end to end: the real app (router, database, outbox) with
// the Feishu adapter, pushes signed and encrypted like Feishu's, and a fake
// open platform receiving what the bot posts.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/mongo.js';
import { FakeFeishuOpenPlatform } from '../../doubles/fake-feishu-open-platform.js';
import { FEISHU_ENCRYPT_KEY, FEISHU_TOKEN, feishuCardAction, feishuMessageEvent, postFeishu } from '../../support/feishu-requests.js';

const ORG_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/feishu-org.yaml');
const BOT = { openId: 'ou_duban_bot', name: 'Duban' };

let fake: FakeFeishuOpenPlatform;
let t: TestApp;

beforeAll(async () => {
  fake = await new FakeFeishuOpenPlatform().start();
  t = await startTestApp({
    prefix: 'feishu',
    env: {
      ORG_FILE,
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
      FEISHU_ENCRYPT_KEY,
      FEISHU_DOMAIN: fake.baseUrl,
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await fake?.stop();
});

const events = () => `${t.baseUrl}/feishu/events`;
const cards = () => `${t.baseUrl}/feishu/cards`;

/** Cards and texts the bot sent, as JSON text, for one chat. */
function sentTo(chatId: string): string[] {
  return fake.contents().filter(({ call }) => (call.body?.receive_id ?? call.body?.chat_id) === chatId).map(({ content }) => JSON.stringify(content));
}

async function openTicket(title: string, who = 'ou_e2e_chen', eventId?: string): Promise<string> {
  const before = new Set((await t.client.tickets()).map((x) => x.id));
  const res = await postFeishu(events(), feishuMessageEvent({ text: `/工单 新建 ${title}`, chatType: 'p2p', chatId: `oc_p2p_${who}`, senderOpenId: who, eventId }));
  expect(res.status).toBe(200);
  let id: string | undefined;
  await waitFor(async () => {
    id = (await t.client.tickets()).find((x) => !before.has(x.id))?.id;
    return !!id;
  }, { what: `a ticket titled ${title}` });
  return id!;
}

describe('Feishu end to end', () => {
  it('a direct message opens a ticket, answers in the chat and posts the card to the home group', async () => {
    const id = await openTicket('打印机坏了');
    const ticket = await t.client.mustTicket(id);
    expect(ticket).toMatchObject({ title: '打印机坏了', state: 'open', createdBy: 'chen.jing', departmentId: 'support' });
    expect(ticket.timeline?.[0]?.source).toMatchObject({ platform: 'feishu', via: 'message' });
    await waitFor(() => sentTo('oc_p2p_ou_e2e_chen').some((c) => c.includes(id)), { what: 'the reply in the direct chat' });
    await waitFor(() => sentTo('oc_support_home').some((c) => c.includes(id)), { what: 'the card in the home group' });
  });

  it('an @mention in a group runs the command; a click on the card claims the ticket and redraws every copy', async () => {
    const id = await openTicket('网络很慢');
    await waitFor(() => [...fake.messages.values()].some((m) => m.chat_id === 'oc_support_home' && m.content.includes(id)), { what: 'the home card' });
    const home = [...fake.messages.values()].find((m) => m.chat_id === 'oc_support_home' && m.content.includes(id))!;

    const show = await postFeishu(events(), feishuMessageEvent({ text: `@_user_1 查看 ${id}`, mentions: [BOT], chatId: 'oc_support_home', senderOpenId: 'ou_e2e_zhang' }));
    expect(show.status).toBe(200);
    await waitFor(() => fake.sends().filter((c) => c.body?.receive_id === 'oc_support_home' || c.body?.chat_id === 'oc_support_home').length >= 2, { what: 'the answer to 查看' });

    const click = await postFeishu(cards(), feishuCardAction({ value: { action: 'claim', id, _subject: `ticket:${id}` }, operatorOpenId: 'ou_e2e_zhang', messageId: home.message_id, chatId: 'oc_support_home' }));
    expect(click.status).toBe(200);
    expect(click.body.toast?.type).toBe('success');
    expect(JSON.stringify(click.body.card.data)).toContain('张伟');
    const claimed = await t.client.mustTicket(id);
    expect(claimed).toMatchObject({ state: 'claimed', ownerId: 'zhang.wei' });
    // The copy in 陈静's direct chat is patched by the outbox.
    const reply = [...fake.messages.values()].find((m) => m.chat_id === 'oc_p2p_ou_e2e_chen' && m.content.includes(id))!;
    await waitFor(() => fake.calls.some((c) => c.method === 'PATCH' && c.path.endsWith(reply.message_id) && c.body.content.includes('张伟')), { what: 'the patched copy' });
  });

  it('a click the command refuses shows the reason and changes nothing', async () => {
    const id = await openTicket('无权限的操作');
    const res = await postFeishu(cards(), feishuCardAction({ value: { action: 'resolve', id, _subject: `ticket:${id}` }, operatorOpenId: 'ou_e2e_zhang' }));
    expect(res.status).toBe(200);
    expect(res.body.toast.type).toBe('error');
    expect(res.body.card).toBeUndefined();
    expect((await t.client.mustTicket(id)).state).toBe('open');
  });

  it('a duplicated event is applied once', async () => {
    const before = (await t.client.tickets()).length;
    const push = feishuMessageEvent({ text: '/工单 新建 重复投递', chatType: 'p2p', chatId: 'oc_p2p_dup', senderOpenId: 'ou_e2e_chen', eventId: 'ev-e2e-dup' });
    const first = await postFeishu(events(), push);
    const second = await postFeishu(events(), push);
    expect([first.status, second.status]).toEqual([200, 200]);
    await waitFor(async () => (await t.client.tickets()).length === before + 1, { what: 'the ticket' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.client.tickets()).filter((x) => x.title === '重复投递')).toHaveLength(1);
  });

  it('a forged request gets 401 and stores nothing', async () => {
    const before = (await t.client.tickets()).length;
    const forged = await postFeishu(events(), feishuMessageEvent({ text: '/工单 新建 伪造', chatType: 'p2p', senderOpenId: 'ou_e2e_chen' }), { signature: 'f'.repeat(64) });
    const wrongToken = await postFeishu(events(), feishuMessageEvent({ text: '/工单 新建 伪造', chatType: 'p2p', senderOpenId: 'ou_e2e_chen', token: 'guess' }));
    expect([forged.status, wrongToken.status]).toEqual([401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.client.tickets()).length).toBe(before);
  });

  it('a title with <at user_id="all"> reaches Feishu harmless', async () => {
    const id = await openTicket('紧急 <at user_id="all"></at> 全员');
    expect((await t.client.mustTicket(id)).title).toBe('紧急 <at user_id="all"></at> 全员');
    await waitFor(() => sentTo('oc_support_home').some((c) => c.includes(id)), { what: 'the home card' });
    const posted = fake.contents().map(({ content }) => JSON.stringify(content)).filter((c) => c.includes(id));
    expect(posted.length).toBeGreaterThan(0);
    for (const c of posted) {
      expect(c).not.toMatch(/<\s*\/?\s*at/i);
      expect(c).toContain('＜at user_id=\\"all\\">');
    }
  });
});
