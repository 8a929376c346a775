// Duban on Microsoft Teams end to end: the real app (router, database, outbox)
// with the Teams adapter on its HTTP server, activities signed by a local
// Bot Framework identity server, and a fake Teams connector receiving what the
// bot posts.
import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/mongo.js';
import { FakeBotConnector, type ConnectorCall } from '../../doubles/fake-bot-connector.js';
import { FakeBotIdentity } from '../../doubles/fake-bot-identity.js';
import {
  postActivity,
  teamsCardAction,
  teamsChannelMessage,
  teamsConversationUpdate,
  teamsMessageAction,
  teamsPersonalMessage,
  type TeamsScene,
  type TeamsUser,
} from '../../support/teams-activities.js';

const ORG_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/teams-org.yaml');
const APP_ID = '4d7c0a52-2b7e-4d8a-9c3e-1a2b3c4d5e6f';
const OPS = '19:ops-room@thread.tacv2';
const HOME = '19:support-home@thread.tacv2';
const sam: TeamsUser = { id: '29:sam-taylor', name: 'Sam Taylor', aadObjectId: '0000000a-0000-4000-8000-00000000a003' };
const chen: TeamsUser = { id: '29:chen-jing', name: '陈静', aadObjectId: '0000000a-0000-4000-8000-00000000a002' };
const li: TeamsUser = { id: '29:li-qiang', name: '李强', aadObjectId: '0000000a-0000-4000-8000-00000000a001' };

let connector: FakeBotConnector;
let identity: FakeBotIdentity;
let t: TestApp;
let ops: TeamsScene;

beforeAll(async () => {
  connector = await FakeBotConnector.start();
  identity = await FakeBotIdentity.start(APP_ID);
  t = await startTestApp({ prefix: 'teams', env: { ORG_FILE, ...identity.env() } });
  ops = { serviceUrl: connector.serviceUrl, botId: `28:${APP_ID}`, channelId: OPS };
  // Duban installed in the support team's home channel: it can post cards there from now on.
  const installed = await post(teamsConversationUpdate({ ...ops, channelId: HOME }, { scope: 'team', from: li }));
  expect(installed.status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
  await connector?.stop();
  await identity?.stop();
});

const post = (activity: { serviceUrl: string }, token?: string) => postActivity(t.baseUrl, activity, token ?? identity.channelToken(activity.serviceUrl));

/** Cards and messages posted into a conversation that mention `needle`. */
const postsTo = (conversation: string, needle: string): ConnectorCall[] =>
  connector.posted().filter((c) => c.conversationId?.split(';')[0] === conversation && JSON.stringify(c.body).includes(needle));

async function ticketTitled(title: string): Promise<string> {
  let id: string | undefined;
  await waitFor(async () => {
    id = (await t.client.tickets()).find((x) => x.title === title)?.id;
    return !!id;
  }, { what: `a ticket titled ${title}` });
  return id!;
}

async function openInOps(title: string): Promise<string> {
  const res = await post(teamsChannelMessage(ops, { text: `open ${title}`, from: sam, mentionBot: true }));
  expect(res.status).toBe(200);
  return ticketTitled(title);
}

describe('Teams end to end', () => {
  it('@Duban open in a channel stores the ticket and posts its card in the thread and the home channel', async () => {
    const activity = teamsChannelMessage(ops, { text: 'open Printer on fire --priority P2', from: sam, mentionBot: true });
    const started = Date.now();
    const res = await post(activity);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    const id = await ticketTitled('Printer on fire');
    const ticket = await t.client.mustTicket(id);
    expect(ticket).toMatchObject({ title: 'Printer on fire', priority: 'P2', createdBy: 'sam.taylor', state: 'open', departmentId: 'support' });
    expect(ticket.timeline[0].source).toMatchObject({ platform: 'teams', via: 'mention', deliveryId: `teams:${activity.id}` });

    await waitFor(() => postsTo(OPS, id).length > 0 && postsTo(HOME, id).length > 0, { what: 'the ticket card in the thread and the home channel' });
    const inThread = postsTo(OPS, id)[0];
    expect(inThread.conversationId).toBe(`${OPS};messageid=${activity.id}`);
    expect(inThread.body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(inThread.authorization).toMatch(/^Bearer /);
    expect(identity.issuedTokens).toContain(inThread.authorization!.slice('Bearer '.length));
  });

  it('a card click changes the ticket and returns the refreshed card in place', async () => {
    const id = await openInOps('Scanner jammed');
    const res = await post(teamsCardAction(ops, { verb: 'claim', data: { id }, from: sam }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard' } });
    const ticket = await t.client.mustTicket(id);
    expect(ticket).toMatchObject({ state: 'claimed', ownerId: 'sam.taylor' });
    expect(ticket.timeline.at(-1)?.source).toMatchObject({ platform: 'teams', via: 'button' });
    const card = JSON.stringify(res.body.value);
    expect(card).toContain(id);
    expect(card).not.toContain('"verb":"claim"');
  });

  it('a refused click answers with the reason and changes nothing', async () => {
    const id = await openInOps('Double claim');
    await post(teamsCardAction(ops, { verb: 'claim', data: { id }, from: sam }));
    const again = await post(teamsCardAction(ops, { verb: 'claim', data: { id }, from: chen }));
    expect(again.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.any(String) });
    expect((await t.client.mustTicket(id)).ownerId).toBe('sam.taylor');
  });

  it('a re-sent activity (same id) is applied once', async () => {
    const id = await openInOps('Re-sent note');
    const note = teamsChannelMessage(ops, { text: `note ${id} called the customer back`, from: sam, mentionBot: true });
    expect((await post(note)).status).toBe(200);
    const notes = async () => (await t.client.mustTicket(id)).timeline.filter((e) => e.kind === 'note').length;
    await waitFor(async () => (await notes()) === 1, { what: 'the note' });
    expect((await post(note)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await notes()).toBe(1);
  });

  it('a Chinese command in a personal chat works for the person behind the Teams account', async () => {
    const id = await openInOps('Chinese claim');
    const res = await post(teamsPersonalMessage(ops, { text: `认领 ${id}`, from: chen, locale: 'zh-CN' }));
    expect(res.status).toBe(200);
    expect(await t.client.mustTicket(id)).toMatchObject({ state: 'claimed', ownerId: 'chen.jing' });
  });

  it('assigns to a person mentioned with @, found through the Teams roster', async () => {
    connector.members.set(sam.id, { id: sam.id, name: sam.name, aadObjectId: sam.aadObjectId });
    const id = await openInOps('Assign by mention');
    const res = await post(teamsChannelMessage(ops, { text: `assign ${id} <at>Sam Taylor</at>`, from: li, mentionBot: true, mentions: [sam] }));
    expect(res.status).toBe(200);
    await waitFor(async () => (await t.client.mustTicket(id)).ownerId === 'sam.taylor', { what: 'the assignment' });
  });

  it('"Create ticket" on a message files it with a link back', async () => {
    const link = 'https://teams.microsoft.com/l/message/19:ops-room@thread.tacv2/1760000009999';
    const res = await post(teamsMessageAction(ops, { name: 'composeExtension/submitAction', from: sam, html: '<p>Card reader broken at gate 2</p><p>since the morning</p>', linkToMessage: link }));
    expect(res.status).toBe(200);
    expect(res.body.task.type).toBe('message');
    const id = await ticketTitled('Card reader broken at gate 2');
    expect((await t.client.mustTicket(id)).timeline[0].source).toMatchObject({ platform: 'teams', messageLink: link });
  });

  it.each([
    ['a token signed with a key Bot Framework never published', () => ({ foreignKey: true })],
    ['a token for another app', () => ({ claims: { aud: '99999999-0000-4000-8000-000000000000' } })],
  ])('%s gets 401 and nothing is stored', async (_what, sign) => {
    // The SDK logs each refused token to the console; the status and the database say what matters.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const title = `Forged ${Math.random().toString(36).slice(2)}`;
    const activity = teamsChannelMessage(ops, { text: `open ${title}`, from: sam, mentionBot: true });
    const res = await post(activity, identity.channelToken(activity.serviceUrl, sign()));
    expect(res.status).toBe(401);
    const noToken = await postActivity(t.baseUrl, activity);
    expect(noToken.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect((await t.client.tickets()).some((x) => x.title === title)).toBe(false);
  });

  it('<at> typed into a title is stored as typed and reaches Teams neutralised', async () => {
    const id = await openInOps('Fire <at>Everyone</at> **now**');
    expect((await t.client.mustTicket(id)).title).toBe('Fire <at>Everyone</at> **now**');
    await waitFor(() => postsTo(OPS, id).length > 0, { what: 'the card' });
    const bodies = postsTo(OPS, id).map((c) => c.body);
    expect(JSON.stringify(bodies)).not.toMatch(/<at>/i);
    // The card's title is markdown: the stars are escaped; the text message is plain text, shown as typed.
    const title = bodies.find((b) => b.attachments)?.attachments[0].content.body[0].text as string;
    expect(title).toContain('\\*\\*now\\*\\*');
    expect(bodies.find((b) => b.text)?.textFormat).toBe('plain');
  });
});

describe('Teams without an app id (local testing)', () => {
  let local: TestApp;
  let connectorLocal: FakeBotConnector;
  beforeAll(async () => {
    connectorLocal = await FakeBotConnector.start();
    local = await startTestApp({ prefix: 'teamslocal', env: { ORG_FILE, TEAMS_LOCAL_TESTING: 'true' } });
  });
  afterAll(async () => {
    await local?.stop();
    await connectorLocal?.stop();
  });

  it('serves unsigned activities (the loud start-up warning is covered by the adapter tests)', async () => {
    const scene = { serviceUrl: connectorLocal.serviceUrl, channelId: OPS };
    const res = await postActivity(local.baseUrl, teamsChannelMessage(scene, { text: 'open Local only', from: sam, mentionBot: true }));
    expect(res.status).toBe(200);
    await waitFor(async () => (await local.client.tickets()).some((x) => x.title === 'Local only'), { what: 'the ticket' });
    expect(local.logs.join('')).not.toMatch(/Teams turn failed/);
  });
});
