// The Slack adapter on its own, for adapter-level tests: a real HTTP server
// with the adapter's route, the fake Slack Web API, a hand-made adapter
// context, and a manual clock that the request signatures follow.
import { ManualClock } from '../../src/core/clock.js';
import type { ChatAdapter } from '../../src/core/chat-adapter.js';
import { loadEnv } from '../../src/config/env.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createSlackAdapter, type SlackAdapterTuning } from '../../adapters/slack/slack.adapter.js';
import { FakeSlackApi } from '../doubles/fake-slack-api.js';
import { FakeAdapterContext } from '../doubles/fake-adapter-context.js';
import { quietLogger } from './app.js';
import { postSlack, type SlackRequest } from './slack-requests.js';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface SlackHarness {
  adapter: ChatAdapter;
  api: FakeSlackApi;
  context: FakeAdapterContext;
  clock: ManualClock;
  http: HttpServer;
  baseUrl: string;
  logs: string[];
  /** Posts a request signed at the clock's current time (or as overridden). */
  post(request: SlackRequest, o?: { timestampSeconds?: number; headers?: Record<string, string>; unsigned?: boolean; secret?: string }): Promise<Response>;
  nowSeconds(): number;
  stop(): Promise<void>;
}

export async function startSlackHarness(tuning: SlackAdapterTuning = {}, o: { socketMode?: boolean } = {}): Promise<SlackHarness> {
  const api = await FakeSlackApi.start();
  if (o.socketMode) api.enableSocketMode();
  const { logger, lines } = quietLogger();
  const http = createHttpServer(logger);
  const clock = new ManualClock('2025-03-04T09:30:00Z');
  const context = new FakeAdapterContext();
  const credentials = o.socketMode ? { SLACK_APP_TOKEN: 'xapp-test-token' } : { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET };
  const env = loadEnv({ ...credentials, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.baseUrl });
  const adapter = createSlackAdapter({ env, http, context, logger, clock }, tuning);
  const port = await http.listen(0, '127.0.0.1');
  await adapter.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    adapter,
    api,
    context,
    clock,
    http,
    baseUrl,
    logs: lines,
    nowSeconds,
    post: (request, o = {}) => postSlack(baseUrl, request, { secret: o.secret ?? TEST_SIGNING_SECRET, timestampSeconds: o.timestampSeconds ?? nowSeconds(), headers: o.headers, unsigned: o.unsigned }),
    async stop() {
      await adapter.stop();
      await http.close();
      await api.stop();
    },
  };
}

/** Waits until `check` holds (listeners run after Slack has its answer). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
