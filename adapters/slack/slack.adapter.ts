// The Slack adapter: a Bolt app whose receiver is mounted on Duban's shared
// HTTP server at POST /slack/events (or, with SLACK_APP_TOKEN, a Socket Mode
// connection that needs no public URL), plus the outbox's way out: one
// chat.postMessage / chat.update attempt per call, failures classified.
import { App, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { DeliveryError, type ChatAdapter, type SentMessage } from '../../src/core/chat-adapter.js';
import type { Reply } from '../../src/core/card.js';
import type { ConversationRef } from '../../src/core/platform.js';
import type { AdapterOptions } from '../adapter-options.js';
import { createWebClient, slackLogger, toDeliveryError, webClientOptions } from './slack.client.js';
import { registerCommands } from './slack.commands.js';
import { registerEvents } from './slack.events.js';
import { publishHome } from './slack.home.js';
import { SlackIdentities } from './slack.identity.js';
import { registerInteractions } from './slack.interactions.js';
import { SharedHttpReceiver } from './slack.receiver.js';
import { renderReply } from './slack.render.js';
import { AnsweredLog, within, type SlackRuntime } from './slack.runtime.js';

export { MESSAGE_SHORTCUT_CALLBACK_ID } from './slack.commands.js';
export { SLACK_EVENTS_PATH } from './slack.receiver.js';

/** How long start-up waits for the Socket Mode connection before carrying on without it. */
const SOCKET_CONNECT_WAIT_MS = 10_000;
/** A person's DM channel with the bot does not change; it is asked for again after this long (or after 10,000 people). */
const DM_CHANNEL_TTL_MS = 60 * 60 * 1000;

export interface SlackAdapterTuning {
  /** How long a slash command may run before Slack gets "working on it" (default 2.5 s of Slack's 3 s). */
  ackWithinMs?: number;
}

export function createSlackAdapter(options: AdapterOptions, tuning: SlackAdapterTuning = {}): ChatAdapter {
  const { env, http, context, logger, clock } = options;
  const token = env.SLACK_BOT_TOKEN;
  if (!token) throw new Error('SLACK_BOT_TOKEN is missing: Slack needs the bot token (xoxb-…) from the app’s OAuth & Permissions page');
  const appToken = env.SLACK_APP_TOKEN;
  const signingSecret = env.SLACK_SIGNING_SECRET;
  if (!appToken && !signingSecret) throw new Error('SLACK_SIGNING_SECRET is missing: set it (Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode');

  const boltLogger = slackLogger(logger);
  const web = createWebClient(token, env.SLACK_API_URL, boltLogger);

  // Who the bot is (for ignoring its own messages and stripping its mention); asked once, again after a failure.
  type BotIdentity = { userId?: string; botId?: string };
  let me: Promise<BotIdentity> | undefined;
  const whoAmI = (): Promise<BotIdentity> =>
    (me ??= web.auth
      .test()
      .then((r): BotIdentity => ({ userId: r.user_id, botId: r.bot_id }))
      .catch((err: Error): BotIdentity => {
        me = undefined;
        logger.warn({ err: err.message }, 'slack auth.test failed; the bot token may be wrong');
        return {};
      }));

  const socket = appToken
    ? new SocketModeReceiver({ appToken, logger: boltLogger, installerOptions: env.SLACK_API_URL ? { clientOptions: { slackApiUrl: webClientOptions(env.SLACK_API_URL, boltLogger).slackApiUrl } } : {} })
    : undefined;
  const receiver: Receiver = socket ?? new SharedHttpReceiver({ http, signingSecret: signingSecret!, clock, logger });
  const app = new App({
    receiver,
    logger: boltLogger,
    clientOptions: webClientOptions(env.SLACK_API_URL, boltLogger),
    convoStore: false,
    authorize: async () => {
      const bot = await whoAmI();
      return { botToken: token, botUserId: bot.userId, botId: bot.botId };
    },
  });
  // Listeners catch their own failures; anything that still escapes is logged, never rethrown into Slack's request.
  app.error(async (err) => {
    logger.error({ err }, 'slack listener failed');
  });

  const base: Omit<SlackRuntime, 'refreshHome'> = {
    web,
    context,
    identities: new SlackIdentities({ web, context, clock, logger }),
    clock,
    logger,
    botUserId: async () => (await whoAmI()).userId,
    ackWithinMs: tuning.ackWithinMs ?? 2_500,
    answered: new AnsweredLog(clock),
  };
  const rt: SlackRuntime = { ...base, refreshHome: (userId) => publishHome(base, userId) };
  // conversations.open answers with the same DM channel every time: one Web API call per person, not per message
  // (the call in flight is shared, so a batch of messages to one person opens the conversation once).
  const dmChannels = new Map<string, { id: Promise<string>; until: number }>();
  registerCommands(app, rt);
  registerInteractions(app, rt);
  registerEvents(app, rt);

  return {
    platform: 'slack',
    limits: { perConversationPerSecond: 1 },
    async start() {
      await whoAmI();
      // HTTP mode: nothing to start (the shared server is already listening).
      if (!appToken) return void (await app.start());
      // Socket Mode connects out to Slack; an unreachable Slack must not hold up the rest of Duban,
      // so after a while start-up goes on and the client keeps reconnecting by itself.
      const connecting = Promise.resolve(app.start()).then(
        () => logger.info('Slack: Socket Mode connected'),
        (err: Error) => logger.error({ err: err.message }, 'Slack: Socket Mode could not connect'),
      );
      if (!(await within(connecting, SOCKET_CONNECT_WAIT_MS))) logger.warn('Slack: Socket Mode is still connecting; carrying on');
    },
    async stop() {
      // Bolt's receiver does not wait for the socket to close; the client's own disconnect does.
      if (socket) await socket.client.disconnect();
      else await app.stop();
    },
    async send(to: ConversationRef, reply: Reply): Promise<SentMessage> {
      const message = renderReply(reply);
      try {
        const res = await web.chat.postMessage({
          channel: to.conversationId,
          text: message.text,
          blocks: message.blocks as never,
          unfurl_links: false,
          unfurl_media: false,
          ...(to.threadId ? { thread_ts: to.threadId } : {}),
        });
        const channel = res.channel ?? to.conversationId;
        const conversation: ConversationRef = { ...to, conversationId: channel, ...(res.ts ? { messageId: res.ts } : {}) };
        return { platform: 'slack', conversation, messageId: res.ts };
      } catch (err) {
        throw toDeliveryError(err, 'chat.postMessage');
      }
    },
    async update(sent: SentMessage, reply: Reply): Promise<void> {
      if (!sent.messageId) throw new DeliveryError('slack chat.update: no message ts to update', { permanent: true });
      const message = renderReply(reply);
      try {
        await web.chat.update({ channel: sent.conversation.conversationId, ts: sent.messageId, text: message.text, blocks: message.blocks as never });
      } catch (err) {
        throw toDeliveryError(err, 'chat.update');
      }
    },
    async directConversation(platformUserId: string): Promise<ConversationRef> {
      const now = clock.now().getTime();
      let entry = dmChannels.get(platformUserId);
      if (!entry || entry.until <= now) {
        if (dmChannels.size >= 10_000) dmChannels.clear();
        const id = web.conversations.open({ users: platformUserId }).then((res) => {
          if (!res.channel?.id) throw new DeliveryError('slack conversations.open: no channel in the answer');
          return res.channel.id;
        });
        entry = { id, until: now + DM_CHANNEL_TTL_MS };
        dmChannels.set(platformUserId, entry);
      }
      const opened = entry;
      try {
        return { platform: 'slack', conversationId: await opened.id };
      } catch (err) {
        // A failure is not remembered: the next message asks again.
        if (dmChannels.get(platformUserId) === opened) dmChannels.delete(platformUserId);
        throw toDeliveryError(err, 'conversations.open');
      }
    },
  };
}
