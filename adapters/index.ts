// The chat platforms Duban connects to, chosen by configuration.
import type { ChatAdapter } from '../src/core/chat-adapter.js';
import type { AdapterOptions } from './adapter-options.js';
import { createSlackAdapter } from './slack/slack.adapter.js';
import { createTeamsAdapter } from './teams/teams.adapter.js';
import { createFeishuAdapter } from './feishu/feishu.adapter.js';

export function createChatAdapters(options: AdapterOptions): ChatAdapter[] {
  const { env } = options;
  const adapters: ChatAdapter[] = [];
  if (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) adapters.push(createSlackAdapter(options));
  if (env.MICROSOFT_APP_ID || env.TEAMS_LOCAL_TESTING === 'true') adapters.push(createTeamsAdapter(options));
  if (env.FEISHU_APP_ID) adapters.push(createFeishuAdapter(options));
  return adapters;
}
