// Suite 4 — the platforms misbehave. A proxy in front of each fake (Slack's
// Web API, the Teams connector, Feishu's open platform) answers 30 % of the
// bot's message calls with 429 (Retry-After 1–2 s) or 500/503. Tickets are
// opened on every platform, each answered with a public card, and every new
// ticket pings its department. No outgoing message may be lost or parked,
// and after a 429 nothing goes to that destination before Retry-After is up.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChaosProxy } from '../doubles/chaos-proxy.js';
import { FigureBook } from './harness/figures.js';
import { Platforms, SPEAKERS, type Delivery, type PlatformName } from './harness/platforms.js';
import { PROFILE, pick, seededRandom } from './harness/profile.js';
import { startInProcessBot, type InProcessBot } from './harness/in-process.js';

const book = new FigureBook('4-outbox', 'platforms answer 30 % of calls with 429 or 5xx');
const random = seededRandom();
let platforms: Platforms;
let proxies: Record<'slack' | 'teams' | 'feishu', ChaosProxy>;
let bot: InProcessBot;

function formOrJson(body: string): Record<string, unknown> {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return Object.fromEntries(new URLSearchParams(body));
  }
}

beforeAll(async () => {
  book.seed = random.seed;
  platforms = await Platforms.start();
  const failureRate = PROFILE.outbox.failureRate;
  const feishuChat = (messageId: string) => platforms.feishu.messages.get(messageId)?.chat_id ?? messageId;
  proxies = {
    slack: await new ChaosProxy({
      target: platforms.slack.origin,
      failureRate,
      random: random.next,
      destinationOf: (method, path, body) => (/^\/api\/chat\.(postMessage|update)$/.test(path) ? String(formOrJson(body).channel) : undefined),
    }).start(),
    teams: await new ChaosProxy({
      target: new URL(platforms.connector.serviceUrl).origin,
      failureRate,
      random: random.next,
      // New posts and in-place updates; replies inside a turn are the platform's own conversation, not the outbox's.
      destinationOf: (method, path) => {
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(path);
        return m && (method === 'PUT' || (method === 'POST' && !path.match(/activities\/[^/]+$/))) ? decodeURIComponent(m[1]) : undefined;
      },
    }).start(),
    feishu: await new ChaosProxy({
      target: platforms.feishu.baseUrl,
      failureRate,
      random: random.next,
      destinationOf: (method, path, body) => {
        if (path === '/open-apis/im/v1/messages' && method === 'POST') return String(formOrJson(body).receive_id);
        const m = /^\/open-apis\/im\/v1\/messages\/([^/]+)(\/reply)?$/.exec(path);
        return m && (method === 'PATCH' || m[2]) ? feishuChat(m[1]) : undefined;
      },
    }).start(),
  };
  platforms.route({ slackApi: `${proxies.slack.origin}/api/`, teamsService: `${proxies.teams.origin}/`, feishuDomain: proxies.feishu.origin });
  // Hours-long clocks: the messages counted are the ones this suite causes, not reminders piling up.
  bot = await startInProcessBot('faults_outbox', { platforms, env: { POLICY_FILE: 'test/faults/fixtures/calm-policy.yaml' } });
}, 60_000);

afterAll(async () => {
  await book.write();
  await bot?.stop();
  await Promise.allSettled(Object.values(proxies ?? {}).map((p) => p.stop()));
  await platforms?.stop();
});

/** Where each platform shows what the bot posted successfully, as one searchable string per post. */
function delivered(platform: Exclude<PlatformName, 'console'>): string[] {
  if (platform === 'slack') return platforms.slack.callsTo('chat.postMessage').filter((c) => c.response?.ok).map((c) => JSON.stringify(c.body));
  if (platform === 'teams') return platforms.connector.calls.filter((c) => c.kind === 'send').map((c) => JSON.stringify(c.body));
  return [...platforms.feishu.messages.values()].map((m) => m.content);
}

describe('suite 4: 30 % of platform calls fail with 429 or 5xx', () => {
  it('delivers every outgoing message, parks none, and waits out every Retry-After', async () => {
    const chat: Array<Exclude<PlatformName, 'console'>> = ['slack', 'teams', 'feishu'];
    const titles: Array<{ platform: Exclude<PlatformName, 'console'>; title: string }> = [];
    const deliveries: Delivery[] = [];
    for (let i = 0; i < PROFILE.outbox.messages; i++) {
      const platform = chat[i % chat.length];
      const title = `Chaos ${random.seed}-${i}`;
      titles.push({ platform, title });
      // Billing's queue is on Feishu (5 a second) rather than Slack DMs (1 a second): the run stays short.
      deliveries.push(platforms.command(platform, pick(random.next, SPEAKERS[platform]), `open ${title} --department billing`, 0));
    }
    const statuses = await Promise.all(deliveries.map((d) => d.send(bot.baseUrl)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Everything the outbox holds is sent (or replaced by a newer version of the same card).
    const started = Date.now();
    let counts: Record<string, number> = {};
    for (;;) {
      counts = Object.fromEntries((await bot.db.collection('outbox').aggregate([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray()).map((r) => [r._id, r.n]));
      if (!counts.pending && !counts.sending && Object.keys(counts).length) break;
      if (Date.now() - started > 8 * 60_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const drainedMs = Date.now() - started;
    const tickets = await bot.db.collection('tickets').find({ title: { $in: titles.map((t) => t.title) } }, { projection: { title: 1 } }).toArray();
    const idOf = new Map(tickets.map((t) => [String(t.title), String(t._id)]));
    const lost = titles.filter(({ platform, title }) => {
      const id = idOf.get(title);
      return !id || !delivered(platform).some((post) => new RegExp(`\\b${id}\\b`).test(post));
    });
    const all = Object.values(proxies);
    const injected = all.flatMap((p) => p.injected());
    const picked = all.flatMap((p) => p.calls.filter((c) => c.destination));
    const gaps = all.flatMap((p) => p.retryAfterGaps());
    const early = gaps.filter((g) => g.waitedMs < g.askedMs - 20);
    const tightest = gaps.length ? Math.min(...gaps.map((g) => g.waitedMs / g.askedMs)) : NaN;

    book.note('tickets opened (Slack / Teams / Feishu)', titles.length);
    book.note('outgoing messages sent', counts.sent ?? 0);
    book.note('platform calls / failures injected (429, 5xx)', `${picked.length} / ${injected.length} (${injected.filter((c) => c.injected!.status === 429).length}, ${injected.filter((c) => c.injected!.status >= 500).length})`);
    book.note('time to drain the outbox (s)', Math.round(drainedMs / 1000));
    book.check('outgoing messages lost', lost.length, '= 0', lost.length === 0);
    book.check('messages parked or still pending', (counts.parked ?? 0) + (counts.pending ?? 0) + (counts.sending ?? 0), '= 0', !counts.parked && !counts.pending && !counts.sending);
    book.check('sends before Retry-After was up', `${early.length} of ${gaps.length}`, '= 0', early.length === 0 && gaps.length > 0);
    book.note('shortest wait after a 429, as a share of Retry-After', Number.isFinite(tightest) ? `${tightest.toFixed(2)}×` : 'n/a');

    expect(injected.length).toBeGreaterThan(0);
    expect(lost.map((l) => `${l.platform}: ${l.title}`)).toEqual([]);
    expect(counts.parked ?? 0).toBe(0);
    expect(counts.pending ?? 0).toBe(0);
    expect(gaps.length).toBeGreaterThan(0);
    expect(early).toEqual([]);
  }, 10 * 60_000);
});
