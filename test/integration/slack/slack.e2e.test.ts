// Duban on Slack end to end: the real app (router, database, outbox) with the
// Slack adapter on its HTTP server, requests signed like Slack's, and a fake
// Slack Web API receiving what the bot posts.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/mongo.js';
import { FakeSlackApi, type RecordedCall } from '../../doubles/fake-slack-api.js';
import { postSlack, slackBlockAction, slackCommand, slackHomeOpened, slackMention, slackViewSubmission, type SlackRequest } from '../../support/slack-requests.js';
import { encodeOrigin } from '../../../adapters/slack/slack.render.js';

const ORG_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/slack-org.yaml');
const SECRET = 'e2e-signing-secret-0123456789';
const SAM = 'U0SAMTAYLOR';
const CHANNEL = 'C0OPS';

let api: FakeSlackApi;
let t: TestApp;

beforeAll(async () => {
  api = await FakeSlackApi.start();
  t = await startTestApp({ prefix: 'slack', env: { ORG_FILE, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_API_URL: api.baseUrl } });
});
afterAll(async () => {
  await t?.stop();
  await api?.stop();
});

const post = (request: SlackRequest, o: { timestampSeconds?: number; headers?: Record<string, string>; secret?: string } = {}) =>
  postSlack(t.baseUrl, request, { secret: o.secret ?? SECRET, timestampSeconds: o.timestampSeconds, headers: o.headers });

/** Messages posted into a channel whose blocks or text mention `needle`. */
const postsTo = (channel: string, needle: string): RecordedCall[] =>
  api.callsTo('chat.postMessage').filter((c) => c.body.channel === channel && JSON.stringify([c.body.text, c.body.blocks]).includes(needle));

async function newTicketTitled(title: string): Promise<string> {
  let id: string | undefined;
  await waitFor(async () => {
    id = (await t.client.tickets()).find((x) => x.title === title)?.id;
    return !!id;
  }, { what: `a ticket titled ${title}` });
  return id!;
}

async function openBySlash(title: string, extra = ''): Promise<{ id: string; ack: Response; ms: number }> {
  const started = Date.now();
  const ack = await post(slackCommand({ text: `open ${title}${extra}`, userId: SAM, channelId: CHANNEL }));
  const ms = Date.now() - started;
  return { id: await newTicketTitled(title), ack, ms };
}

describe('Slack end to end', () => {
  it('/ticket open stores the ticket, acks within 3 s and posts the card into the channel', async () => {
    const { id, ack, ms } = await openBySlash('Printer on fire', ' --priority P2');
    expect(ack.status).toBe(200);
    expect(ms).toBeLessThan(3000);
    const ticket = await t.client.mustTicket(id);
    expect(ticket).toMatchObject({ title: 'Printer on fire', priority: 'P2', createdBy: 'sam.taylor', state: 'open' });
    expect(ticket.timeline[0].source).toMatchObject({ platform: 'slack', via: 'command' });
    await waitFor(() => postsTo(CHANNEL, id).length > 0, { what: 'the ticket card in the channel' });
  });

  it('a button click changes the ticket and updates the card in place', async () => {
    const { id } = await openBySlash('Scanner jammed');
    await waitFor(() => postsTo(CHANNEL, id).length > 0, { what: 'the ticket card' });
    const posted = postsTo(CHANNEL, id)[0];
    const ts = posted.response?.ts as string;
    const res = await post(slackBlockAction({ userId: SAM, channelId: CHANNEL, message: { ts, blocks: posted.body.blocks }, action: { action_id: 'claim', value: JSON.stringify({ id }) } }));
    expect(res.status).toBe(200);
    await waitFor(async () => (await t.client.mustTicket(id)).state === 'claimed', { what: 'the claim' });
    expect((await t.client.mustTicket(id)).ownerId).toBe('sam.taylor');
    await waitFor(() => api.callsTo('chat.update').some((c) => c.body.ts === ts && c.body.channel === CHANNEL), { what: 'chat.update of the clicked card' });
  });

  it('a submitted open modal creates the ticket, linked to the message it was filed from', async () => {
    const link = 'https://duban-test.slack.com/archives/C0OPS/p1700000100000200';
    const res = await post(
      slackViewSubmission({ userId: SAM, values: { title: 'VPN down for sales', description: 'since 9:00', customer: 'ACME' }, selects: { priority: 'P1' }, privateMetadata: encodeOrigin({ channel: CHANNEL, thread: '1700000100.000200', link }) }),
    );
    expect(res.status).toBe(200);
    const id = await newTicketTitled('VPN down for sales');
    const ticket = await t.client.mustTicket(id);
    expect(ticket).toMatchObject({ priority: 'P1', customer: 'ACME' });
    expect(ticket.timeline[0].source.messageLink).toBe(link);
    await waitFor(() => postsTo(CHANNEL, id).some((c) => c.body.thread_ts === '1700000100.000200'), { what: 'the card in the thread' });
  });

  it('opening the Home tab publishes the person’s open tickets', async () => {
    const { id } = await openBySlash('Home tab ticket');
    await post(slackBlockAction({ userId: SAM, channelId: CHANNEL, action: { action_id: 'claim', value: JSON.stringify({ id }) } }));
    await waitFor(async () => (await t.client.mustTicket(id)).ownerId === 'sam.taylor', { what: 'the claim' });
    const before = api.callsTo('views.publish').length;
    expect((await post(slackHomeOpened({ userId: SAM }))).status).toBe(200);
    const calls = await api.waitForCalls('views.publish', before + 1);
    const view = calls.at(-1)!.body;
    expect(view.user_id).toBe(SAM);
    expect(JSON.stringify(view.view.blocks)).toContain(id);
  });

  it('a retried mention (same event_id) is applied once', async () => {
    const { id } = await openBySlash('Retried note');
    const mention = slackMention({ text: `<@${api.botUserId}> note ${id} called the customer back`, userId: SAM, channelId: CHANNEL, eventId: 'Ev0E2ERETRY' });
    expect((await post(mention)).status).toBe(200);
    const notes = async () => (await t.client.mustTicket(id)).timeline.filter((e) => e.kind === 'note').length;
    await waitFor(async () => (await notes()) === 1, { what: 'the note' });
    const retry = await post(mention, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await notes()).toBe(1);
  });

  it.each([
    ['a forged signature', { secret: 'wrong-secret' }],
    ['a stale timestamp', { timestampSeconds: Math.floor(Date.now() / 1000) - 360 }],
    ['a future timestamp', { timestampSeconds: Math.floor(Date.now() / 1000) + 360 }],
  ])('%s gets 401 and nothing is stored', async (_what, o) => {
    const title = `Forged ${Math.random().toString(36).slice(2)}`;
    const res = await post(slackCommand({ text: `open ${title}`, userId: SAM, channelId: CHANNEL }), o);
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect((await t.client.tickets()).some((x) => x.title === title)).toBe(false);
  });

  it('a 429 from Slack is retried after Retry-After and the card is not lost', async () => {
    api.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const { id } = await openBySlash('Rate limited card');
    await waitFor(() => postsTo(CHANNEL, id).some((c) => c.response?.ok), { what: 'the card after the rate limit', timeoutMs: 15_000 });
    const attempts = api.callsTo('chat.postMessage');
    const limited = attempts.find((c) => !c.response);
    const delivered = postsTo(CHANNEL, id).find((c) => c.response?.ok)!;
    expect(limited).toBeDefined();
    expect(delivered.at - limited!.at).toBeGreaterThanOrEqual(900);
  });

  it('<!channel> typed into a title is stored as typed and reaches Slack escaped', async () => {
    const { id } = await openBySlash('Fire <!channel> & smoke');
    expect((await t.client.mustTicket(id)).title).toBe('Fire <!channel> & smoke');
    await waitFor(() => postsTo(CHANNEL, id).length > 0, { what: 'the card' });
    const sent = JSON.stringify(postsTo(CHANNEL, id).map((c) => [c.body.text, c.body.blocks]));
    expect(sent).toContain('Fire &lt;!channel&gt; &amp; smoke');
    expect(sent).not.toContain('<!channel>');
  });
});
