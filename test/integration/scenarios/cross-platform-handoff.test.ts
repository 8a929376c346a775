// A handoff across chat platforms, end to end: customer service works in
// Slack, billing in a Feishu group. The real app runs both adapters; a fake
// Slack Web API and a fake Feishu open platform receive what the bot sends.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/mongo.js';
import { FakeSlackApi } from '../../doubles/fake-slack-api.js';
import { FakeFeishuOpenPlatform } from '../../doubles/fake-feishu-open-platform.js';
import { postSlack, slackBlockAction, slackCommand, type SlackRequest } from '../../support/slack-requests.js';
import { FEISHU_ENCRYPT_KEY, FEISHU_TOKEN, feishuCardAction, feishuMessageEvent, postFeishu } from '../../support/feishu-requests.js';

const ORG_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/cross-platform-org.yaml');
const SECRET = 'cross-platform-signing-secret';
const SUPPORT_CHANNEL = 'C0SUPPORT';
const BILLING_GROUP = 'oc_billing_home';

let slack: FakeSlackApi;
let feishu: FakeFeishuOpenPlatform;
let t: TestApp;

beforeAll(async () => {
  slack = await FakeSlackApi.start();
  feishu = await new FakeFeishuOpenPlatform().start();
  t = await startTestApp({
    prefix: 'crossplatform',
    env: {
      ORG_FILE,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-cross',
      SLACK_API_URL: slack.baseUrl,
      FEISHU_APP_ID: feishu.appId,
      FEISHU_APP_SECRET: feishu.appSecret,
      FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
      FEISHU_ENCRYPT_KEY,
      FEISHU_DOMAIN: feishu.baseUrl,
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await feishu?.stop();
  await slack?.stop();
});

const slackPost = (request: SlackRequest) => postSlack(t.baseUrl, request, { secret: SECRET });
const slackSays = async (userId: string, text: string) => expect((await slackPost(slackCommand({ text, userId, channelId: SUPPORT_CHANNEL }))).status).toBe(200);

/** The support channel's copy of a ticket's card (posted once, then only updated; answers go in its thread). */
function slackCard(id: string) {
  const posts = slack.callsTo('chat.postMessage').filter((c) => c.body.channel === SUPPORT_CHANNEL && !c.body.thread_ts && JSON.stringify(c.body.blocks ?? '').includes(id));
  return { posts, ts: posts[0]?.response?.ts as string | undefined };
}
const slackUpdatesOf = (ts: string) => slack.callsTo('chat.update').filter((c) => c.body.ts === ts && c.body.channel === SUPPORT_CHANNEL);
/** Cards the bot created in the billing group about a ticket. */
const feishuCards = (id: string) => [...feishu.messages.values()].filter((m) => m.chat_id === BILLING_GROUP && m.content.includes(id));
const feishuPatchesOf = (messageId: string) => feishu.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(`/messages/${messageId}`));

async function ticketTitled(title: string): Promise<string> {
  let id: string | undefined;
  await waitFor(async () => !!(id = (await t.client.tickets()).find((x) => x.title === title)?.id), { what: `ticket ${title}` });
  return id!;
}

describe('a handoff from Slack to a department on Feishu, and back', () => {
  let id: string;
  let slackTs: string;
  let feishuMessageId: string;

  it('opens in Slack: one live card in the support channel', async () => {
    await slackSays('U0SAMTAYLOR', 'open Invoice charged twice --priority P2');
    id = await ticketTitled('Invoice charged twice');
    await waitFor(() => !!slackCard(id).ts, { what: 'the card in the support channel' });
    slackTs = slackCard(id).ts!;
    await slackSays('U0SAMTAYLOR', `claim ${id}`);
    await waitFor(async () => (await t.client.mustTicket(id)).state === 'claimed', { what: 'the claim' });
    await waitFor(() => slackUpdatesOf(slackTs).some((c) => JSON.stringify(c.body.blocks).includes('Sam Taylor')), { what: 'the card showing the owner' });
    // The answer to the claim goes in the card's thread, not as a second card.
    await waitFor(() => slack.callsTo('chat.postMessage').some((c) => c.body.thread_ts === slackTs && c.body.text === `You claimed ${id}.`), { what: 'the answer in the thread' });
    expect(slackCard(id).posts).toHaveLength(1);
  });

  it('the handoff card reaches billing in its Feishu group, in Chinese, and the pings go to each person’s platform', async () => {
    await slackSays('U0SAMTAYLOR', `handoff ${id} billing customer was charged twice`);
    await waitFor(async () => (await t.client.mustTicket(id)).state === 'pending_handoff', { what: 'the handoff request' });
    await waitFor(() => feishuCards(id).length === 1, { what: 'the card in the billing group' });
    const card = feishuCards(id)[0];
    feishuMessageId = card.message_id;
    expect(card.msg_type).toBe('interactive');
    expect(card.content).toContain('接收'); // Accept, in the group's language
    expect(card.content).toContain('拒绝');
    // Billing's lead is only on Feishu; David is on both and prefers Feishu: both get a Feishu direct message.
    await waitFor(() => ['ou_x_zhao', 'ou_x_david'].every((who) => feishu.sends().some((c) => c.body?.receive_id === who)), { what: 'Feishu pings' });
    const slackDms = slack.callsTo('conversations.open').map((c) => String(c.body.users));
    expect(slackDms).not.toContain('U0DAVIDKIM');
    // The Slack copy shows the pending handoff too.
    await waitFor(() => slackUpdatesOf(slackTs).some((c) => JSON.stringify(c.body.blocks).includes('Billing')), { what: 'the Slack card showing the handoff' });
  });

  it('accepting in Feishu moves the ticket and updates the card in Slack', async () => {
    const before = slackUpdatesOf(slackTs).length;
    const click = await postFeishu(`${t.baseUrl}/feishu/cards`, feishuCardAction({ value: { action: 'accept', id, _subject: `ticket:${id}` }, operatorOpenId: 'ou_x_zhao', messageId: feishuMessageId, chatId: BILLING_GROUP }));
    expect(click.status).toBe(200);
    expect(click.body.toast?.type).toBe('success');
    const ticket = await t.client.mustTicket(id);
    expect(ticket).toMatchObject({ departmentId: 'billing', state: 'claimed', ownerId: 'zhao.min' });
    expect(ticket.timeline.at(-1)?.source).toMatchObject({ platform: 'feishu', via: 'button' });
    // An update queued by the handoff may still be on its way; the card ends up showing the accept.
    const latest = () => JSON.stringify(slackUpdatesOf(slackTs).at(-1)?.body.blocks ?? []);
    await waitFor(() => slackUpdatesOf(slackTs).length > before && latest().includes('赵敏'), { what: 'the Slack card update after the accept' });
    expect(latest()).not.toContain('"action_id":"accept"');
  });

  it('the reverse: billing hands it back from Feishu, support accepts in Slack, and the Feishu card follows', async () => {
    const dm = await postFeishu(`${t.baseUrl}/feishu/events`, feishuMessageEvent({ text: `/工单 转交 ${id} support 客户要求回访`, chatType: 'p2p', chatId: 'oc_p2p_zhao', senderOpenId: 'ou_x_zhao' }));
    expect(dm.status).toBe(200);
    await waitFor(async () => (await t.client.mustTicket(id)).state === 'pending_handoff', { what: 'the handoff back' });
    // The support channel already has this ticket's card: it is updated to ask for a decision, not posted again.
    await waitFor(() => slackUpdatesOf(slackTs).some((c) => JSON.stringify(c.body.blocks).includes('"action_id":"accept"')), { what: 'the Slack card asking support to accept' });
    expect(slackCard(id).posts).toHaveLength(1);
    const patchesBefore = feishuPatchesOf(feishuMessageId).length;
    const blocks = slackUpdatesOf(slackTs).at(-1)!.body.blocks;
    const res = await slackPost(slackBlockAction({ userId: 'U0CHENJING', channelId: SUPPORT_CHANNEL, message: { ts: slackTs, blocks }, action: { action_id: 'accept', value: JSON.stringify({ id }) } }));
    expect(res.status).toBe(200);
    await waitFor(async () => (await t.client.mustTicket(id)).departmentId === 'support', { what: 'support taking it back' });
    expect(await t.client.mustTicket(id)).toMatchObject({ state: 'claimed', ownerId: 'chen.jing' });
    await waitFor(() => feishuPatchesOf(feishuMessageId).length > patchesBefore && JSON.stringify(feishuPatchesOf(feishuMessageId).at(-1)!.body).includes('Chen Jing'), {
      what: 'the Feishu card update showing Chen Jing',
    });
    expect(feishuCards(id)).toHaveLength(1);
  });

  it('nothing waits in the outbox and nothing was parked', async () => {
    await waitFor(async () => {
      const res = await fetch(`${t.baseUrl}/api/v1/outbox?status=pending`, { headers: { authorization: `Bearer ${t.app.adminToken}` } });
      const body = (await res.json()) as { counts: Record<string, number> };
      return body.counts.pending === 0 && body.counts.sending === 0;
    }, { what: 'an empty outbox' });
    const parked = await fetch(`${t.baseUrl}/api/v1/outbox?status=parked`, { headers: { authorization: `Bearer ${t.app.adminToken}` } });
    expect(((await parked.json()) as { messages: unknown[] }).messages).toEqual([]);
  });
});
