// Suite 5 — requests that are not what they claim. On each platform endpoint:
// a forged signature or token, a timestamp too old or too far ahead, a token
// for another app or signed by another key, no credentials at all, and a
// replay of a delivery already handled. Every forgery is refused before any
// work (nothing stored anywhere); a replay is acknowledged and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { postSlack, slackCommand, slackDirectMessage } from '../support/slack-requests.js';
import { postActivity, teamsPersonalMessage, teamsUser } from '../support/teams-activities.js';
import { feishuCardAction, feishuMessageEvent, postFeishu } from '../support/feishu-requests.js';
import { FigureBook } from './harness/figures.js';
import { SLACK_SECRET, SPEAKERS } from './harness/platforms.js';
import { quiet, startInProcessBot, storedCounts, type InProcessBot } from './harness/in-process.js';

let bot: InProcessBot;
const book = new FigureBook('5-forgery', 'forged, stale, future, wrong-token and replayed requests');

beforeAll(async () => {
  bot = await startInProcessBot('faults_forgery');
}, 60_000);
afterAll(async () => {
  await book.write();
  await bot?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const SIX_MINUTES = 6 * 60;

interface Attack {
  platform: string;
  name: string;
  send(title: string): Promise<number>;
}

function attacks(): Attack[] {
  const base = bot.baseUrl;
  const slackUser = SPEAKERS.slack[0];
  const slack = (name: string, options: Parameters<typeof postSlack>[2]): Attack => ({
    platform: 'Slack',
    name,
    send: async (title) => (await postSlack(base, slackCommand({ text: `open ${title}`, userId: slackUser }), options)).status,
  });
  const { identity } = bot.platforms;
  const from = teamsUser('Tom', SPEAKERS.teams[0]);
  const teams = (name: string, token: (serviceUrl: string) => string | undefined): Attack => ({
    platform: 'Teams',
    name,
    send: async (title) => {
      const activity = teamsPersonalMessage(bot.platforms.teamsScene, { text: `open ${title}`, from });
      return (await postActivity(base, activity, token(activity.serviceUrl))).status;
    },
  });
  const feishu = (name: string, options: Parameters<typeof postFeishu>[2], spec: { token?: string } = {}): Attack => ({
    platform: 'Feishu',
    name,
    send: async (title) => (await postFeishu(`${base}/feishu/events`, feishuMessageEvent({ text: `open ${title}`, chatType: 'p2p', senderOpenId: SPEAKERS.feishu[0], ...spec }), options)).status,
  });
  const console = (name: string, token?: string): Attack => ({
    platform: 'console',
    name,
    send: async (title) =>
      (await fetch(`${base}/console/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ user: 'grace.liu', text: `open ${title}` }) })).status,
  });
  const future = now() + 3600;
  return [
    slack('forged signature (wrong secret)', { secret: 'not-the-signing-secret' }),
    slack('stale timestamp (6 min old)', { secret: SLACK_SECRET, timestampSeconds: now() - SIX_MINUTES }),
    slack('future timestamp (6 min ahead)', { secret: SLACK_SECRET, timestampSeconds: now() + SIX_MINUTES }),
    slack('no signature', { secret: SLACK_SECRET, unsigned: true }),
    slack('signature of another body', { secret: SLACK_SECRET, headers: { 'x-slack-signature': 'v0=' + '0'.repeat(64) } }),
    teams('token signed by an unknown key', (url) => identity.channelToken(url, { foreignKey: true })),
    teams('token for another app (aud)', (url) => identity.channelToken(url, { claims: { aud: '11111111-2222-4333-8444-555555555555' } })),
    teams('expired token', (url) => identity.channelToken(url, { claims: { nbf: now() - 7200, exp: now() - 600 } })),
    teams('token not valid yet (nbf ahead)', (url) => identity.channelToken(url, { claims: { nbf: future, exp: future + 3600 } })),
    teams('token from another issuer', (url) => identity.channelToken(url, { claims: { iss: 'https://issuer.example.net/' } })),
    teams('token for another service URL', () => identity.channelToken('https://smba.example.net/other/')),
    teams('no token', () => undefined),
    teams('not a JWT', () => 'not-a-token'),
    feishu('forged signature', { signature: 'f'.repeat(64) }),
    feishu('stale timestamp (6 min old)', { timestamp: now() - SIX_MINUTES }),
    feishu('future timestamp (6 min ahead)', { timestamp: now() + SIX_MINUTES }),
    feishu('no signature', { sign: false }),
    feishu('encrypted and signed with another key', { encryptKey: 'another-encrypt-key' }),
    feishu('wrong verification token', {}, { token: 'v-token-of-someone-else' }),
    {
      platform: 'Feishu',
      name: 'card click with a forged signature',
      send: async () => (await postFeishu(`${base}/feishu/cards`, feishuCardAction({ value: { action: 'claim', id: 'T-1' }, operatorOpenId: SPEAKERS.feishu[0] }), { signature: '0'.repeat(64) })).status,
    },
    console('console without the admin token'),
    console('console with a wrong admin token', 'x'.repeat(32)),
  ];
}

/** A valid delivery sent, then sent again byte for byte. Returns the statuses and how many tickets it made. */
async function replay(platform: string): Promise<{ statuses: number[]; tickets: number }> {
  const title = `Replayed ${platform} ${randomUUID().slice(0, 8)}`;
  const base = bot.baseUrl;
  const statuses: number[] = [];
  if (platform === 'Slack') {
    const request = slackDirectMessage({ text: `open ${title}`, userId: SPEAKERS.slack[0], channelId: `D${SPEAKERS.slack[0]}` });
    const ts = now();
    for (let i = 0; i < 3; i++) statuses.push((await postSlack(base, request, { secret: SLACK_SECRET, timestampSeconds: ts })).status);
    // The same bytes, signed long ago: refused outright.
    statuses.push((await postSlack(base, request, { secret: SLACK_SECRET, timestampSeconds: ts - SIX_MINUTES })).status);
  } else if (platform === 'Teams') {
    const activity = teamsPersonalMessage(bot.platforms.teamsScene, { text: `open ${title}`, from: teamsUser('Tom', SPEAKERS.teams[0]) });
    const token = bot.platforms.identity.channelToken(activity.serviceUrl);
    for (let i = 0; i < 3; i++) statuses.push((await postActivity(base, activity, token)).status);
  } else {
    const event = feishuMessageEvent({ text: `open ${title}`, chatType: 'p2p', senderOpenId: SPEAKERS.feishu[0] });
    const ts = now();
    for (let i = 0; i < 3; i++) statuses.push((await postFeishu(`${base}/feishu/events`, event, { timestamp: ts, nonce: 'same-nonce' })).status);
    statuses.push((await postFeishu(`${base}/feishu/events`, event, { timestamp: ts - SIX_MINUTES })).status);
  }
  // Slack and Feishu run the command after their answer: let every copy finish before counting.
  await new Promise((r) => setTimeout(r, 300));
  await quiet(bot.db);
  return { statuses, tickets: await bot.db.collection('tickets').countDocuments({ title }) };
}

describe('suite 5: forged, stale, future, wrong-token and replayed requests', () => {
  it('refuses every forgery with 401 before doing anything, and stores nothing', async () => {
    // The endpoints work for a genuine request (else every refusal below would prove nothing).
    const genuine = await postSlack(bot.baseUrl, slackCommand({ text: 'open Genuine request', userId: SPEAKERS.slack[0] }), { secret: SLACK_SECRET });
    expect(genuine.status).toBe(200);
    await quiet(bot.db);
    const before = await storedCounts(bot.db);
    const list = attacks();
    const accepted: string[] = [];
    for (const attack of list) {
      const title = `Forged ${attack.platform} ${attack.name}`;
      const status = await attack.send(title);
      if (status !== 401) accepted.push(`${attack.platform}: ${attack.name} → ${status}`);
    }
    await new Promise((r) => setTimeout(r, 300));
    await quiet(bot.db);
    const after = await storedCounts(bot.db);
    const forgedTickets = await bot.db.collection('tickets').countDocuments({ title: { $regex: '^Forged ' } });
    const refused = list.length - accepted.length;
    book.note('forged requests (Slack / Teams / Feishu / console)', `${list.length} (${['Slack', 'Teams', 'Feishu', 'console'].map((p) => list.filter((a) => a.platform === p).length).join(' / ')})`);
    book.check('forgeries refused with 401', `${refused}/${list.length} (${Math.round((refused / list.length) * 100)} %)`, '100 %', accepted.length === 0);
    book.check('documents stored by forgeries', Object.keys(after).reduce((n, k) => n + Math.abs(after[k] - before[k]), 0) + forgedTickets, '= 0', JSON.stringify(after) === JSON.stringify(before) && forgedTickets === 0);
    expect(accepted).toEqual([]);
    expect(after).toEqual(before);
    expect(forgedTickets).toBe(0);
  }, 60_000);

  it('acknowledges a replayed delivery and applies it once; a replay signed long ago is refused', async () => {
    const results = { Slack: await replay('Slack'), Teams: await replay('Teams'), Feishu: await replay('Feishu') };
    const appliedAgain = Object.values(results).filter((r) => r.tickets !== 1).length;
    book.check('replayed deliveries applied again', appliedAgain, '= 0', appliedAgain === 0);
    expect(results.Slack).toEqual({ statuses: [200, 200, 200, 401], tickets: 1 });
    expect(results.Teams).toEqual({ statuses: [200, 200, 200], tickets: 1 });
    expect(results.Feishu).toEqual({ statuses: [200, 200, 200, 401], tickets: 1 });
  }, 60_000);
});
