// The chat platforms Duban connects to, chosen by configuration. Each platform's
// SDK is loaded only when that platform is configured: botbuilder and the Feishu
// SDK alone take about 120 MB and seconds of start-up that a Slack-only
// deployment would otherwise pay for.
import type { ChatAdapter } from '../src/core/chat-adapter.js';
import type { AdapterOptions } from './adapter-options.js';

export async function createChatAdapters(options: AdapterOptions): Promise<ChatAdapter[]> {
  const { env } = options;
  const adapters: ChatAdapter[] = [];
  if (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) {
    const { createSlackAdapter } = await import('./slack/slack.adapter.js');
    adapters.push(createSlackAdapter(options));
  }
  if (env.MICROSOFT_APP_ID || env.TEAMS_LOCAL_TESTING === 'true') {
    const { createTeamsAdapter } = await import('./teams/teams.adapter.js');
    adapters.push(createTeamsAdapter(options));
  }
  if (env.FEISHU_APP_ID) {
    const { createFeishuAdapter } = await import('./feishu/feishu.adapter.js');
    adapters.push(createFeishuAdapter(options));
  }
  return adapters;
}
