// The Feishu adapter over real HTTP: pushes signed and encrypted like
// Feishu's go through the shared server into the SDK's dispatchers; outgoing
// calls go through the SDK client to a fake open platform.
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { loadEnv } from '../../../../src/config/env.js';
import { createHttpServer, type HttpServer } from '../../../../src/http/server.js';
import { systemClock } from '../../../../src/core/clock.js';
import { DeliveryError, type ChatAdapter } from '../../../../src/core/chat-adapter.js';
import { card } from '../../../../src/core/card.js';
import { createFeishuAdapter, type FeishuTuning } from '../../../../adapters/feishu/feishu.adapter.js';
import { FakeFeishuOpenPlatform } from '../../../doubles/fake-feishu-open-platform.js';
import { FakeFeishuContext } from '../../../doubles/fake-feishu-context.js';
import { quietLogger } from '../../../support/app.js';
import { rejection, waitFor } from '../../../support/mongo.js';
import {
  FEISHU_ENCRYPT_KEY,
  FEISHU_TOKEN,
  feishuCardAction,
  feishuLegacyCardAction,
  feishuMessageEvent,
  feishuUrlVerification,
  postFeishu,
} from '../../../support/feishu-requests.js';

interface Rig {
  fake: FakeFeishuOpenPlatform;
  ctx: FakeFeishuContext;
  http: HttpServer;
  adapter: ChatAdapter;
  url: string;
  logs: string[];
}

let rig: Rig;
let extra: Rig[] = [];

async function setup(env: Record<string, string> = {}, tuning: FeishuTuning = {}, prepare: (fake: FakeFeishuOpenPlatform) => void = () => undefined): Promise<Rig> {
  const fake = await new FakeFeishuOpenPlatform().start();
  prepare(fake);
  const ctx = new FakeFeishuContext();
  const { logger, lines } = quietLogger();
  const http = createHttpServer(logger);
  const adapter = createFeishuAdapter(
    {
      env: loadEnv({
        FEISHU_APP_ID: fake.appId,
        FEISHU_APP_SECRET: fake.appSecret,
        FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
        FEISHU_ENCRYPT_KEY,
        FEISHU_DOMAIN: fake.baseUrl,
        ...env,
      }),
      http,
      context: ctx,
      logger,
      clock: systemClock,
    },
    tuning,
  );
  const port = await http.listen(0, '127.0.0.1');
  await adapter.start();
  return { fake, ctx, http, adapter, url: `http://127.0.0.1:${port}`, logs: lines };
}

async function teardown(r: Rig): Promise<void> {
  await r.http.close();
  await r.adapter.stop();
  await r.fake.stop();
}

beforeEach(async () => {
  rig = await setup();
});
afterEach(async () => {
  await teardown(rig);
  // Nothing in these flows is an error worth an operator's attention.
  expect(rig.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  for (const r of extra) await teardown(r);
  extra = [];
});

const BOT = { openId: 'ou_duban_bot', name: 'Duban' };
const events = () => `${rig.url}/feishu/events`;
const cards = () => `${rig.url}/feishu/cards`;

describe('url verification', () => {
  it('answers an encrypted challenge that arrives unsigned', async () => {
    const res = await postFeishu(events(), feishuUrlVerification('ch-enc'), { sign: false });
    expect(res).toMatchObject({ status: 200, body: { challenge: 'ch-enc' } });
  });

  it('answers a plain challenge when no encrypt key is set, and refuses one with the wrong token', async () => {
    const plain = await setup({ FEISHU_ENCRYPT_KEY: '' });
    extra.push(plain);
    const ok = await postFeishu(`${plain.url}/feishu/cards`, feishuUrlVerification('ch-plain'), { encrypt: false, sign: false });
    expect(ok).toMatchObject({ status: 200, body: { challenge: 'ch-plain' } });
    const bad = await postFeishu(`${plain.url}/feishu/events`, feishuUrlVerification('ch-bad', 'wrong'), { encrypt: false, sign: false });
    expect(bad.status).toBe(401);
    expect(bad.body).not.toHaveProperty('challenge');
  });
});

describe('messages', () => {
  it('runs a group message that @mentions the bot as the command without the mention, and answers in the chat', async () => {
    rig.ctx.answerWith(() => [{ text: '已认领 T-12' }, { text: '只有你能看到', private: true }]);
    const push = feishuMessageEvent({ text: '@_user_1 认领 T-12', mentions: [BOT], senderOpenId: 'ou_chen', chatId: 'oc_team', eventId: 'ev-1' });
    const res = await postFeishu(events(), push);
    expect(res.status).toBe(200);
    expect(rig.ctx.handled).toHaveLength(1);
    expect(rig.ctx.handled[0]).toMatchObject({
      kind: 'text',
      text: '认领 T-12',
      deliveryId: 'feishu:evt:ev-1',
      via: 'mention',
      actor: { platform: 'feishu', platformUserId: 'ou_chen', locale: 'zh-CN' },
      conversation: { platform: 'feishu', conversationId: 'oc_team', messageId: push.event.message.message_id },
      messageLink: 'https://applink.feishu.cn/client/chat/open?openChatId=oc_team',
    });
    expect(rig.ctx.published.map((p) => ({ key: p.key, to: p.to.conversationId, visibleTo: p.to.extras?.visibleTo, text: p.reply.text }))).toEqual([
      { key: 'feishu:evt:ev-1:0', to: 'oc_team', visibleTo: undefined, text: '已认领 T-12' },
      { key: 'feishu:evt:ev-1:1', to: 'oc_team', visibleTo: 'ou_chen', text: '只有你能看到' },
    ]);
  });

  it('ignores group messages that do not mention the bot, and messages from bots', async () => {
    await postFeishu(events(), feishuMessageEvent({ text: '@_user_1 认领 T-1', mentions: [{ openId: 'ou_other', name: 'Tom' }] }));
    await postFeishu(events(), feishuMessageEvent({ text: '认领 T-1' }));
    await postFeishu(events(), feishuMessageEvent({ text: '认领 T-1', chatType: 'p2p', senderType: 'app' }));
    expect(rig.ctx.handled).toEqual([]);
  });

  it('takes every p2p message, in the person’s directory language', async () => {
    rig.ctx.people.set('ou_sam', { id: 'sam.taylor', name: 'Sam Taylor', locale: 'en' });
    await postFeishu(events(), feishuMessageEvent({ text: '/ticket claim T-3', chatType: 'p2p', senderOpenId: 'ou_sam' }));
    expect(rig.ctx.handled[0]).toMatchObject({ text: '/ticket claim T-3', via: 'message', actor: { personId: 'sam.taylor', displayName: 'Sam Taylor', locale: 'en' } });
    expect(rig.ctx.published[0].to).toMatchObject({ conversationId: 'oc_p2p_chat' });
    expect(rig.ctx.published[0].locale).toBe('en');
  });

  it("turns other people's mentions into directory words and finds strangers by their contact e-mail", async () => {
    rig.ctx.people.set('ou_zhang', { id: 'zhang.wei', name: '张伟', locale: 'zh-CN' });
    rig.ctx.emails.set('chen@example.com', { id: 'chen.jing', name: '陈静', locale: 'zh-CN' });
    rig.fake.users.set('ou_chen', { name: '陈静', enterprise_email: 'chen@example.com' });
    const push = feishuMessageEvent({
      text: '@_user_1 assign T-4 @_user_2 cc @_user_3',
      mentions: [BOT, { openId: 'ou_zhang', name: '张伟' }, { openId: 'ou_stranger', name: 'Li Lei' }],
      senderOpenId: 'ou_chen',
    });
    await postFeishu(events(), push);
    expect(rig.ctx.handled[0].text).toBe('assign T-4 @zhang.wei cc @ou_stranger');
    expect(rig.ctx.handled[0].actor).toMatchObject({ personId: 'chen.jing', displayName: '陈静' });
    expect(rig.ctx.identifyCalls).toContainEqual({ platform: 'feishu', userId: 'ou_chen', email: 'chen@example.com' });
  });

  it('answers a picture with a short hint in Chinese, privately', async () => {
    await postFeishu(events(), feishuMessageEvent({ chatType: 'p2p', messageType: 'image', content: { image_key: 'img_1' } }));
    expect(rig.ctx.handled).toEqual([]);
    expect(rig.ctx.published).toHaveLength(1);
    expect(rig.ctx.published[0].reply).toEqual({ text: expect.stringContaining('/工单 帮助'), private: true });
  });

  it('files a quoted message as a ticket when someone replies to it with "创建工单"', async () => {
    rig.fake.messages.set('om_quoted', { message_id: 'om_quoted', chat_id: 'oc_group_chat', msg_type: 'text', content: JSON.stringify({ text: '打印机又坏了\n三楼那台' }), message_app_link: 'https://applink.feishu.cn/client/message/link/open?token=abc' });
    const push = feishuMessageEvent({ text: '@_user_1 创建工单', mentions: [BOT], parentId: 'om_quoted', rootId: 'om_quoted' });
    await postFeishu(events(), push);
    expect(rig.ctx.handled[0]).toMatchObject({
      kind: 'action',
      action: { id: 'open', values: { title: '打印机又坏了', description: expect.stringContaining('三楼那台') } },
      messageLink: 'https://applink.feishu.cn/client/message/link/open?token=abc',
    });
  });

  it('offers the new-ticket form privately for "创建工单" with nothing quoted', async () => {
    await postFeishu(events(), feishuMessageEvent({ text: '@_user_1 创建工单', mentions: [BOT], senderOpenId: 'ou_x' }));
    expect(rig.ctx.handled).toEqual([]);
    expect(rig.ctx.published[0]).toMatchObject({ to: { extras: { visibleTo: 'ou_x' } }, reply: { private: true, card: { subject: 'form:open' } } });
  });

  it('handles a duplicated event once and acknowledges both', async () => {
    const push = feishuMessageEvent({ text: '认领 T-9', chatType: 'p2p', eventId: 'ev-dup' });
    const first = await postFeishu(events(), push);
    const second = await postFeishu(events(), push);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(rig.ctx.handled).toHaveLength(1);
    expect(rig.ctx.published).toHaveLength(1);
  });

  it('answers 500 when the work fails before the answer, so that Feishu delivers the event again, and the retry runs', async () => {
    const failing = await setup();
    extra.push(failing);
    failing.ctx.publishFailures = 1;
    const push = feishuMessageEvent({ text: '列表', chatType: 'p2p', eventId: 'ev-retry' });
    const first = await postFeishu(`${failing.url}/feishu/events`, push);
    expect(first.status).toBe(500);
    const retry = await postFeishu(`${failing.url}/feishu/events`, push);
    expect(retry.status).toBe(200);
    expect(failing.ctx.handled.map((h) => h.deliveryId)).toEqual(['feishu:evt:ev-retry', 'feishu:evt:ev-retry']);
    expect(failing.ctx.applied()).toEqual(['feishu:evt:ev-retry']);
    expect(failing.ctx.published).toHaveLength(1);
  });

  it('answers within the budget when the command is slow, and finishes the work afterwards', async () => {
    const slow = await setup({}, { ackBudgetMs: 150 });
    extra.push(slow);
    slow.ctx.delayMs = 800;
    const res = await postFeishu(`${slow.url}/feishu/events`, feishuMessageEvent({ text: '列表', chatType: 'p2p' }));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(700);
    expect(slow.ctx.published).toHaveLength(0);
    await waitFor(() => slow.ctx.published.length === 1, { what: 'the late reply' });
  });

  it('recognises the leading mention as the bot when the bot info cannot be read', async () => {
    const blind = await setup({}, {}, (fake) => {
      fake.botInfoAvailable = false;
    });
    extra.push(blind);
    await postFeishu(`${blind.url}/feishu/events`, feishuMessageEvent({ text: '@_user_1 认领 T-2', mentions: [{ openId: 'ou_unknown_bot', name: 'Duban' }] }));
    expect(blind.ctx.handled[0]?.text).toBe('认领 T-2');
    expect(blind.fake.calls.some((c) => c.path === '/open-apis/bot/v3/info' && c.status !== 200)).toBe(true);
  });
});

describe('refused requests', () => {
  const push = () => feishuMessageEvent({ text: '认领 T-1', chatType: 'p2p' });

  const seconds = (offset: number) => Math.floor(Date.now() / 1000) + offset;
  it.each([
    ['a bad signature', () => ({ signature: 'a'.repeat(64) })],
    ['a stale timestamp', () => ({ timestamp: seconds(-302) })],
    ['a timestamp from the future', () => ({ timestamp: seconds(302) })],
    ['no signature at all', () => ({ sign: false as const })],
    ['another encrypt key', () => ({ encryptKey: 'not-ours' })],
  ])('%s gets 401 and nothing is handled', async (_what, options) => {
    const res = await postFeishu(events(), push(), options());
    expect(res.status).toBe(401);
    expect(rig.ctx.handled).toEqual([]);
    expect(rig.ctx.published).toEqual([]);
  });

  it('a wrong verification token gets 401 on both endpoints', async () => {
    const ev = await postFeishu(events(), feishuMessageEvent({ text: 'x', chatType: 'p2p', token: 'wrong' }));
    const cb = await postFeishu(cards(), feishuCardAction({ value: { action: 'claim', id: 'T-1' }, token: 'wrong' }));
    expect([ev.status, cb.status]).toEqual([401, 401]);
    expect(rig.ctx.handled).toEqual([]);
  });
});

describe('card clicks', () => {
  const ticket = (state: string) => card(`T-5 · Printer`, 'info').subject('ticket:T-5').field('State', state).button('resolve', 'Resolve', { id: 'T-5' }).build();

  it('runs a new-style click and answers with the redrawn card and a toast', async () => {
    rig.ctx.answerWith(() => [{ text: 'Claimed T-5', card: ticket('claimed') }]);
    const res = await postFeishu(cards(), feishuCardAction({ value: { action: 'claim', id: 'T-5', _subject: 'ticket:T-5' }, operatorOpenId: 'ou_op', eventId: 'ev-c1' }));
    expect(res.status).toBe(200);
    expect(rig.ctx.handled[0]).toMatchObject({ kind: 'action', action: { id: 'claim', values: { id: 'T-5' } }, deliveryId: 'feishu:evt:ev-c1', via: 'button' });
    expect(res.body.toast).toEqual({ type: 'success', content: 'Claimed T-5' });
    expect(res.body.card.type).toBe('raw');
    expect(res.body.card.data.header.title.content).toBe('T-5 · Printer');
    expect(JSON.stringify(res.body.card.data)).toContain('State\\nclaimed');
  });

  it('leaves the card as it was and shows the error in a toast when the command refuses', async () => {
    rig.ctx.answerWith(() => [{ text: '请填写原因', private: true }]);
    const res = await postFeishu(cards(), feishuCardAction({ value: { action: 'escalate', id: 'T-5', _subject: 'ticket:T-5' } }));
    expect(res.body).toEqual({ toast: { type: 'error', content: '请填写原因' } });
  });

  it('runs an old-style callback (sha1-signed) and answers with the card itself', async () => {
    rig.ctx.answerWith(() => [{ text: 'Claimed', card: ticket('claimed') }]);
    const res = await postFeishu(cards(), feishuLegacyCardAction({ value: { action: 'claim', id: 'T-5', _subject: 'ticket:T-5' } }), { encrypt: false, sign: 'legacy' });
    expect(res.status).toBe(200);
    expect(res.body.header.title.content).toBe('T-5 · Printer');
    expect(rig.ctx.handled[0].deliveryId).toMatch(/^feishu:card:/);
    // No toast in old callbacks: the text reaches the person privately.
    await waitFor(() => rig.ctx.published.length === 1, { what: 'the private note' });
    expect(rig.ctx.published[0]).toMatchObject({ reply: { text: 'Claimed', private: true }, to: { conversationId: 'ou_sender' } });
  });

  it('replaces a submitted form with the new ticket card and publishes other replies', async () => {
    rig.ctx.answerWith((inbound) => [{ text: `Opened T-6: ${inbound.action?.values.title}`, card: { ...ticket('open'), title: 'T-6 · Fire' } }, { text: 'FYI', card: card('Queue', 'info').build() }]);
    const res = await postFeishu(cards(), feishuCardAction({ value: { action: 'open', _subject: 'form:open' }, formValue: { title: 'Fire', priority: 'P1' }, chatId: 'oc_form' }));
    expect(rig.ctx.handled[0].action).toEqual({ id: 'open', values: { title: 'Fire', priority: 'P1' } });
    expect(res.body.card.data.header.title.content).toBe('T-6 · Fire');
    await waitFor(() => rig.ctx.published.length === 1, { what: 'the other card' });
    expect(rig.ctx.published[0]).toMatchObject({ to: { conversationId: 'oc_form' }, reply: { text: 'FYI' } });
  });
});

describe('slow card clicks', () => {
  it('answers with a "working" toast in time and patches the clicked card when the command is done', async () => {
    const slow = await setup({}, { ackBudgetMs: 150 });
    extra.push(slow);
    slow.ctx.delayMs = 600;
    slow.ctx.answerWith(() => [{ text: 'Claimed', card: card('T-8 · Slow', 'info').subject('ticket:T-8').field('State', 'claimed').build() }]);
    const res = await postFeishu(`${slow.url}/feishu/cards`, feishuCardAction({ value: { action: 'claim', id: 'T-8', _subject: 'ticket:T-8' }, messageId: 'om_slow' }));
    expect(res.ms).toBeLessThan(550);
    expect(res.body).toEqual({ toast: { type: 'info', content: '正在处理，稍后更新卡片。' } });
    await waitFor(() => slow.fake.calls.some((c) => c.method === 'PATCH' && c.path === '/open-apis/im/v1/messages/om_slow'), { what: 'the late patch' });
    const patch = slow.fake.calls.find((c) => c.method === 'PATCH')!;
    expect(JSON.parse(patch.body.content).header.title.content).toBe('T-8 · Slow');
  });
});

describe('long-connection mode', () => {
  it('registers no webhook endpoints when FEISHU_LONG_CONNECTION=true (events come over the socket)', async () => {
    const { logger } = quietLogger();
    const http = createHttpServer(logger);
    createFeishuAdapter({
      env: { ...loadEnv({ FEISHU_APP_ID: rig.fake.appId, FEISHU_APP_SECRET: rig.fake.appSecret, FEISHU_DOMAIN: rig.fake.baseUrl }), FEISHU_LONG_CONNECTION: 'true' } as never,
      http,
      context: new FakeFeishuContext(),
      logger,
      clock: systemClock,
    });
    const port = await http.listen(0, '127.0.0.1');
    try {
      const res = await postFeishu(`http://127.0.0.1:${port}/feishu/events`, feishuMessageEvent({ text: 'x', chatType: 'p2p' }));
      expect(res.status).toBe(404);
    } finally {
      await http.close();
    }
  });

  it('refuses to start without app credentials, naming them', () => {
    const { logger } = quietLogger();
    expect(() => createFeishuAdapter({ env: loadEnv({}), http: createHttpServer(logger), context: new FakeFeishuContext(), logger, clock: systemClock })).toThrow(/FEISHU_APP_ID and FEISHU_APP_SECRET/);
  });
});

describe('sending', () => {
  it('posts into a group by chat_id, to a person by open_id, into a thread through the reply API, and patches cards', async () => {
    const group = await rig.adapter.send({ platform: 'feishu', conversationId: 'oc_home' }, { text: 'hello <at user_id="all"></at>' });
    const dm = await rig.adapter.send(await rig.adapter.directConversation!('ou_p'), { card: card('Ping', 'warning').build() });
    const threaded = await rig.adapter.send({ platform: 'feishu', conversationId: 'oc_home', threadId: group.messageId }, { text: 'in thread' });
    await rig.adapter.update!({ platform: 'feishu', conversation: { platform: 'feishu', conversationId: 'oc_home' }, messageId: dm.messageId }, { card: card('Ping', 'good').build() });
    const sends = rig.fake.sends();
    expect(sends.map((c) => `${c.method} ${c.path} ${c.query.receive_id_type ?? ''}`.trim())).toEqual([
      'POST /open-apis/im/v1/messages chat_id',
      'POST /open-apis/im/v1/messages open_id',
      `POST /open-apis/im/v1/messages/${group.messageId}/reply`,
      `PATCH /open-apis/im/v1/messages/${dm.messageId}`,
    ]);
    expect(group.messageId).toMatch(/^om_fake_/);
    expect(threaded.messageId).toMatch(/^om_fake_/);
    expect(sends[2].body.reply_in_thread).toBe(true);
    expect(JSON.parse(sends[0].body.content)).toEqual({ text: 'hello ＜at user_id="all">＜/at>' });
    expect(JSON.parse(sends[3].body.content).header.template).toBe('green');
    // The SDK fetched a tenant token first and used it.
    expect(rig.fake.calls.some((c) => c.path === '/open-apis/auth/v3/tenant_access_token/internal')).toBe(true);
    expect(sends.every((c) => /^Bearer t-fake-\d+$/.test(c.authorization ?? ''))).toBe(true);
  });

  it('sends a private reply in a group as a card only that person sees, falling back to their direct chat', async () => {
    const to = { platform: 'feishu' as const, conversationId: 'oc_team', extras: { visibleTo: 'ou_me' } };
    const sent = await rig.adapter.send(to, { text: 'just you', private: true });
    expect(sent.messageId).toBeUndefined();
    rig.fake.failNext({ kind: 'code', code: 230002, msg: 'Bot is not in the chat' });
    const fallback = await rig.adapter.send(to, { text: 'just you again', private: true });
    expect(fallback.conversation).toMatchObject({ conversationId: 'ou_me', extras: { receiveIdType: 'open_id' } });
    const sends = rig.fake.sends();
    expect(sends.map((c) => c.path)).toEqual(['/open-apis/ephemeral/v1/send', '/open-apis/im/v1/messages']);
    expect(sends[0].body).toMatchObject({ chat_id: 'oc_team', open_id: 'ou_me', msg_type: 'interactive' });
  });

  it('turns a 429 into a DeliveryError with the wait from x-ogw-ratelimit-reset', async () => {
    rig.fake.failNext({ kind: 'rate-limited', resetSeconds: 2 });
    const err = await rejection(rig.adapter.send({ platform: 'feishu', conversationId: 'oc_home' }, { text: 'x' }));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryAfterMs: 2000, permanent: false, status: 429 });
  });

  it('reads Retry-After when the reset header is absent', async () => {
    rig.fake.failNext({ kind: 'rate-limited', retryAfterSeconds: 3 });
    const err = await rejection(rig.adapter.send({ platform: 'feishu', conversationId: 'oc_home' }, { text: 'x' }));
    expect(err).toMatchObject({ retryAfterMs: 3000 });
  });

  it('calls a 5xx transient and "bot not in the chat" permanent, one attempt each', async () => {
    rig.fake.failNext({ kind: 'server-error' }, { kind: 'code', code: 230002, msg: 'Bot/User can NOT be out of the chat.' });
    const transient = await rejection(rig.adapter.send({ platform: 'feishu', conversationId: 'oc_home' }, { text: 'x' }));
    const permanent = await rejection(rig.adapter.send({ platform: 'feishu', conversationId: 'oc_gone' }, { text: 'x' }));
    expect(transient).toMatchObject({ permanent: false, status: 500, retryAfterMs: undefined });
    expect(permanent).toMatchObject({ permanent: true, status: 400 });
    expect(permanent.message).toContain('230002');
    expect(rig.fake.calls.filter((c) => c.path.startsWith('/open-apis/im/'))).toHaveLength(2);
  });

  it('declares Feishu’s limits: 5 per chat, 50 per app', () => {
    expect(rig.adapter.limits).toEqual({ perConversationPerSecond: 5, perAppPerSecond: 50 });
    expect(rig.adapter.platform).toBe('feishu');
  });
});
