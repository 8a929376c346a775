// The three chat platforms as local fakes (Slack Web API, Bot Framework sign-in
// and connector, Feishu open platform), the environment that points a bot at
// them, and deliveries built the way each platform sends them — signed at the
// moment they are sent, so the same delivery can be sent again later.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { FakeSlackApi } from '../../doubles/fake-slack-api.js';
import { FakeBotConnector } from '../../doubles/fake-bot-connector.js';
import { FakeBotIdentity } from '../../doubles/fake-bot-identity.js';
import { FakeFeishuOpenPlatform } from '../../doubles/fake-feishu-open-platform.js';
import { postSlack, slackCommand, slackDirectMessage } from '../../support/slack-requests.js';
import { postActivity, teamsPersonalMessage, teamsUser, type TeamsScene } from '../../support/teams-activities.js';
import { FEISHU_ENCRYPT_KEY, FEISHU_TOKEN, feishuMessageEvent, postFeishu } from '../../support/feishu-requests.js';
import { REPO_ROOT } from './processes.js';

export const FAULTS_ORG = path.join(REPO_ROOT, 'test/faults/fixtures/faults-org.yaml');
export const SLACK_SECRET = 'faults-slack-signing-secret';
export const TEAMS_APP_ID = '00000000-0000-4000-8000-0000000fa017';
export const ADMIN_TOKEN = 'faults-admin-token-0123456789';

export type PlatformName = 'console' | 'slack' | 'teams' | 'feishu';

/** Who can speak on each platform (ids from faults-org.yaml). */
export const SPEAKERS = {
  console: ['grace.liu', 'omar.haddad'],
  slack: ['U0FSAM', 'U0FANA'],
  teams: ['0000000f-0000-4000-8000-00000000f001', '0000000f-0000-4000-8000-00000000f002'],
  feishu: ['ou_f_zhou', 'ou_f_wu'],
} as const;

/** One delivery as a platform makes it: the same id every time it is sent. */
export interface Delivery {
  platform: PlatformName;
  id: string;
  /** Sends it once; resolves to the HTTP status (0 when the bot could not be reached). */
  send(baseUrl: string): Promise<number>;
}

export interface PlatformUrls {
  /** Where the bot finds Slack's Web API (a proxy in front of the fake, or the fake). */
  slackApi?: string;
  /** The serviceUrl Teams activities carry. */
  teamsService?: string;
  /** FEISHU_DOMAIN. */
  feishuDomain?: string;
}

export class Platforms {
  private constructor(
    readonly slack: FakeSlackApi,
    readonly identity: FakeBotIdentity,
    readonly connector: FakeBotConnector,
    readonly feishu: FakeFeishuOpenPlatform,
    private readonly urls: Required<PlatformUrls>,
  ) {}

  static async start(): Promise<Platforms> {
    const slack = await FakeSlackApi.start();
    const identity = await FakeBotIdentity.start(TEAMS_APP_ID);
    const connector = await FakeBotConnector.start();
    const feishu = await new FakeFeishuOpenPlatform().start();
    return new Platforms(slack, identity, connector, feishu, { slackApi: slack.baseUrl, teamsService: connector.serviceUrl, feishuDomain: feishu.baseUrl });
  }

  /** Sends the bot's platform calls somewhere else (a chaos proxy in front of each fake). */
  route(urls: PlatformUrls): void {
    Object.assign(this.urls, Object.fromEntries(Object.entries(urls).filter(([, v]) => v)));
  }

  get teamsScene(): TeamsScene {
    return { serviceUrl: this.urls.teamsService, botId: `28:${TEAMS_APP_ID}`, botName: 'Duban' };
  }

  /** The environment that connects a bot to all three platforms and keeps the console on. */
  env(): Record<string, string> {
    return {
      ORG_FILE: FAULTS_ORG,
      ADMIN_TOKEN,
      CONSOLE_ENABLED: 'true',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-faults',
      SLACK_API_URL: this.urls.slackApi,
      ...this.identity.env(),
      FEISHU_APP_ID: this.feishu.appId,
      FEISHU_APP_SECRET: this.feishu.appSecret,
      FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
      FEISHU_ENCRYPT_KEY,
      FEISHU_DOMAIN: this.urls.feishuDomain,
    };
  }

  /** A command typed by `speaker` on `platform`, as that platform delivers it. */
  command(platform: PlatformName, speaker: string, text: string, variant = 0): Delivery {
    const status = (p: Promise<{ status: number }>) => p.then((r) => r.status).catch(() => 0);
    switch (platform) {
      case 'console': {
        const id = randomUUID();
        return { platform, id: `console:${speaker}:${id}`, send: (base) => status(postConsole(base, { user: speaker, text, deliveryId: id })) };
      }
      case 'slack': {
        if (variant % 2 === 0) {
          const request = slackCommand({ text, userId: speaker, channelId: `C0F${speaker.slice(3)}`, responseUrl: this.slack.responseUrl() });
          const trigger = new URLSearchParams(request.body).get('trigger_id');
          return { platform, id: `slack:cmd:T0TEST:${trigger}`, send: (base) => status(postSlack(base, request, { secret: SLACK_SECRET })) };
        }
        const eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
        const request = slackDirectMessage({ text, userId: speaker, channelId: `D${speaker}`, eventId });
        return { platform, id: `slack:evt:${eventId}`, send: (base) => status(postSlack(base, request, { secret: SLACK_SECRET })) };
      }
      case 'teams': {
        const activity = teamsPersonalMessage(this.teamsScene, { text, from: teamsUser(speaker.slice(-4), speaker), id: randomUUID() });
        return { platform, id: `teams:${activity.id}`, send: (base) => status(postActivity(base, activity, this.identity.channelToken(activity.serviceUrl))) };
      }
      case 'feishu': {
        const event = feishuMessageEvent({ text, chatType: 'p2p', chatId: `oc_p2p_${speaker}`, senderOpenId: speaker });
        return { platform, id: `feishu:evt:${event.header.event_id}`, send: (base) => status(postFeishu(`${base}/feishu/events`, event)) };
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.slack.stop(), this.identity.stop(), this.connector.stop(), this.feishu.stop()]);
  }
}

/** The console's JSON endpoint with the admin token (the console needs it next to chat platforms). */
export async function postConsole(baseUrl: string, body: object): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/console/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}
