// Several Duban instances behind one load balancer, on one database: any
// instance serves any request, a delivery that reaches two instances is
// applied once, every card is posted once, and the per-channel send limit
// holds for all instances together.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '../../../src/config/env.js';
import { startApp, type RunningApp } from '../../../src/app.js';
import { quietLogger, withDbName } from '../../support/app.js';
import { startTestDatabase, waitFor, type TestDatabase } from '../../support/mongo.js';
import { ConsoleClient } from '../../support/console-client.js';
import { FakeSlackApi } from '../../doubles/fake-slack-api.js';
import { postSlack, slackCommand } from '../../support/slack-requests.js';

const ORG_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/scale-org.yaml');
const SECRET = 'scale-out-signing-secret';
const ADMIN_TOKEN = 'scale-out-admin-token-0123456789';
const SAM = 'U0SAMTAYLOR';

let db: TestDatabase;
let slack: FakeSlackApi;
const instances: RunningApp[] = [];
const base = (i: number) => `http://127.0.0.1:${instances[i % instances.length].port}`;

beforeAll(async () => {
  db = await startTestDatabase('scale');
  slack = await FakeSlackApi.start();
  const env = loadEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: withDbName(db.uri, db.dbName),
    ORG_FILE,
    ADMIN_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-scale',
    SLACK_API_URL: slack.baseUrl,
  });
  for (let i = 0; i < 3; i++) instances.push(await startApp(env, quietLogger().logger));
}, 120_000);
afterAll(async () => {
  // Each instance waits for its own jobs to let go of their locks; stop them together.
  await Promise.all(instances.map((app) => app.stop()));
  await slack?.stop();
  await db?.stop();
}, 120_000);

describe('three instances on one database', () => {
  it('applies every command once when each delivery reaches two instances, and posts each card once', async () => {
    const commands = Array.from({ length: 100 }, (_, i) => ({ title: `Scale ticket ${i}`, channel: `C0SCALE${i}`, trigger: `trigger.${i}` }));
    // Each delivery goes to one instance and its retry to the next one, at the same time.
    await Promise.all(
      commands.flatMap((c, i) =>
        [0, 1].map(async (copy) => {
          const res = await postSlack(base(i + copy), slackCommand({ text: `open ${c.title}`, userId: SAM, channelId: c.channel, triggerId: c.trigger }), { secret: SECRET });
          expect(res.status).toBe(200);
        }),
      ),
    );
    const client = new ConsoleClient(base(0), ADMIN_TOKEN);
    const tickets = await client.tickets('limit=500');
    const titles = tickets.map((t) => t.title).filter((t) => t.startsWith('Scale ticket '));
    expect(titles).toHaveLength(commands.length);
    expect(new Set(titles).size).toBe(commands.length);

    // Each ticket's card reaches its channel once, whichever instance's outbox worker sent it.
    const cardPosts = () => slack.callsTo('chat.postMessage').filter((c) => String(c.body.channel).startsWith('C0SCALE') && !c.body.thread_ts);
    await waitFor(() => cardPosts().length >= commands.length, { what: 'every card posted', timeoutMs: 90_000 });
    await new Promise((r) => setTimeout(r, 500));
    const perChannel = new Map<string, number>();
    for (const call of cardPosts()) perChannel.set(String(call.body.channel), (perChannel.get(String(call.body.channel)) ?? 0) + 1);
    expect([...perChannel.values()].filter((n) => n !== 1)).toEqual([]);
    expect(perChannel.size).toBe(commands.length);
  }, 120_000);

  it('keeps Slack’s one message a second per channel across all instances', async () => {
    const channel = 'C0PACED';
    const before = slack.callsTo('chat.postMessage').length;
    await Promise.all(
      [0, 1, 2, 3].map((i) => postSlack(base(i), slackCommand({ text: `open Paced ${i}`, userId: SAM, channelId: channel }), { secret: SECRET })),
    );
    const paced = () => slack.callsTo('chat.postMessage').slice(before).filter((c) => c.body.channel === channel);
    await waitFor(() => paced().length >= 4, { what: 'four cards in one channel', timeoutMs: 45_000 });
    const times = paced().map((c) => c.at).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // Slack allows about one message a second into a channel; allow a little timer jitter.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
  }, 60_000);
});
