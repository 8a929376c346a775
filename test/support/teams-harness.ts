// The Teams adapter on a real HTTP server, with a fake connector (where the
// bot's replies land) and, when authenticated, a local OpenID/token server —
// for adapter tests that drive it with real HTTP activities.
import { Writable } from 'node:stream';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/core/logger.js';
import { systemClock } from '../../src/core/clock.js';
import type { ChatAdapter } from '../../src/core/chat-adapter.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createTeamsAdapter } from '../../adapters/teams/teams.adapter.js';
import { FakeBotConnector } from '../doubles/fake-bot-connector.js';
import { FakeBotIdentity } from '../doubles/fake-bot-identity.js';
import { FakeTeamsContext } from '../doubles/fake-teams-context.js';
import { postActivity, type TeamsScene } from './teams-activities.js';

export const TEST_APP_ID = '00000000-0000-4000-8000-0000000b0001';

export interface TeamsHarness {
  adapter: ChatAdapter;
  context: FakeTeamsContext;
  connector: FakeBotConnector;
  identity?: FakeBotIdentity;
  http: HttpServer;
  baseUrl: string;
  scene: TeamsScene;
  /** Log lines (warn and above). */
  logs: string[];
  /** Posts an activity with a valid channel token (when authenticated). */
  post(activity: object, token?: string | null): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Run with MICROSOFT_APP_ID and a local identity server (default true). */
  authenticated?: boolean;
  env?: Record<string, string>;
  /** Share servers between harnesses (a second adapter on the same fakes). */
  identity?: FakeBotIdentity;
  connector?: FakeBotConnector;
}

export async function startTeamsHarness(options: HarnessOptions = {}): Promise<TeamsHarness> {
  const authenticated = options.authenticated ?? true;
  const connector = options.connector ?? (await FakeBotConnector.start());
  const identity = authenticated ? (options.identity ?? (await FakeBotIdentity.start(TEST_APP_ID))) : undefined;
  const logs: string[] = [];
  const logger = createLogger('warn', new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
  const context = new FakeTeamsContext();
  const http = createHttpServer(logger);
  const env = loadEnv({ ...(identity ? identity.env() : {}), ...options.env });
  const adapter = createTeamsAdapter({ env, http, context, logger, clock: systemClock });
  const port = await http.listen(0, '127.0.0.1');
  await adapter.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const scene: TeamsScene = { serviceUrl: connector.serviceUrl, botId: `28:${TEST_APP_ID}`, botName: 'Duban' };
  return {
    adapter,
    context,
    connector,
    identity,
    http,
    baseUrl,
    scene,
    logs,
    post(activity, token) {
      const bearer = token === null ? undefined : (token ?? identity?.channelToken((activity as { serviceUrl: string }).serviceUrl));
      return postActivity(baseUrl, activity, bearer);
    },
    async stop() {
      await adapter.stop();
      await http.close();
      if (!options.connector) await connector.stop();
      if (identity && !options.identity) await identity.stop();
    },
  };
}
