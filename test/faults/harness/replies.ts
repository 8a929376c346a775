// Says something on a platform and reads the bot's answer where that platform
// shows it: the console's JSON reply, Slack's acknowledgement (or its
// response_url), the Teams connector, the Feishu open platform. Also matches
// an answer against a message of the catalogue, in either language.
import { randomUUID } from 'node:crypto';
import { CATALOGS } from '../../../conversations/messages/index.js';
import { postSlack, slackCommand } from '../../support/slack-requests.js';
import { postActivity, teamsPersonalMessage, teamsUser } from '../../support/teams-activities.js';
import { feishuMessageEvent, postFeishu } from '../../support/feishu-requests.js';
import { SLACK_SECRET, postConsole, type PlatformName, type Platforms } from './platforms.js';

export interface Answer {
  status: number;
  /** Everything the person was shown, as one string (JSON of cards included). */
  text: string;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForText(read: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = read();
    if (text || Date.now() > deadline) return text;
    await sleep(50);
  }
}

export async function say(baseUrl: string, platforms: Platforms, platform: PlatformName, speaker: string, text: string, waitMs = 5_000): Promise<Answer> {
  const started = Date.now();
  const done = (status: number, shown: string): Answer => ({ status, text: shown, ms: Date.now() - started });
  switch (platform) {
    case 'console': {
      const res = await postConsole(baseUrl, { user: speaker, text });
      return done(res.status, JSON.stringify(res.body));
    }
    case 'slack': {
      const responseId = `r-${randomUUID()}`;
      // A channel of the speaker's own: public answers are found there, and nobody else's.
      const channel = `C0F${speaker.replace(/^U0F?/, '')}`;
      const before = platforms.slack.calls.length;
      const res = await postSlack(baseUrl, slackCommand({ text, userId: speaker, channelId: channel, responseUrl: platforms.slack.responseUrl(responseId) }), { secret: SLACK_SECRET });
      const body = await res.text();
      // Private answers come in the acknowledgement (or on the response URL after "Working on it…");
      // public ones are posted into the channel through the outbox.
      const later = () => {
        const calls = platforms.slack.calls.slice(before).filter((c) => c.path.endsWith(responseId) || (c.method === 'chat.postMessage' && c.body.channel === channel));
        return calls.length ? JSON.stringify(calls.map((c) => c.body)) : '';
      };
      const shown = !body || /Working on it|正在处理/.test(body) ? await waitForText(later, waitMs) : body;
      return done(res.status, shown);
    }
    case 'teams': {
      const activity = teamsPersonalMessage(platforms.teamsScene, { text, from: teamsUser('Someone', speaker) });
      const before = platforms.connector.calls.length;
      const res = await postActivity(baseUrl, activity, platforms.identity.channelToken(activity.serviceUrl));
      const mine = () => JSON.stringify(platforms.connector.calls.slice(before).filter((c) => c.conversationId === activity.conversation.id && (c.kind === 'send' || c.kind === 'reply')).map((c) => c.body));
      return done(res.status, await waitForText(() => (mine() === '[]' ? '' : mine()), waitMs));
    }
    case 'feishu': {
      const chat = `oc_p2p_${speaker}`;
      const before = platforms.feishu.calls.length;
      const res = await postFeishu(`${baseUrl}/feishu/events`, feishuMessageEvent({ text, chatType: 'p2p', chatId: chat, senderOpenId: speaker }));
      const mine = () => JSON.stringify(platforms.feishu.calls.slice(before).filter((c) => c.status === 200 && c.method === 'POST' && (c.body?.receive_id === chat || c.body?.chat_id === chat)).map((c) => c.body));
      return done(res.status, await waitForText(() => (mine() === '[]' ? '' : mine()), waitMs));
    }
  }
}

/** A pattern for a catalogue message with any parameter values (`{id}` → anything). */
export function messagePattern(code: string): RegExp {
  const alternatives = Object.values(CATALOGS)
    .map((catalog) => catalog[code])
    .filter((t): t is string => !!t)
    .map((template) =>
      template
        .split(/\{\w+\}/)
        .map((part) => JSON.stringify(part.trim()).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[\\s\\S]*?'),
    );
  if (!alternatives.length) throw new Error(`no message '${code}' in the catalogue`);
  return new RegExp(alternatives.map((a) => `(?:${a})`).join('|'));
}

/** Whether an answer shows the catalogue message `code` (in the JSON-escaped form answers are kept in). */
export function shows(answer: Answer | string, code: string): boolean {
  const text = typeof answer === 'string' ? answer : answer.text;
  return messagePattern(code).test(text);
}
