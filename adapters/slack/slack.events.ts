// Events API: `@Duban claim T-12` in a channel, plain messages in the bot's
// DM, and the Home tab being opened. Bolt acknowledges events before the
// listeners run, so Slack has its 200 at once; a redelivery (same event_id,
// `x-slack-retry-num`) reaches `handle` with the same delivery id and is
// applied once, and its private answer is not repeated.
import type { App } from '@slack/bolt';
import type { Reply } from '../../src/core/card.js';
import { eventToInbound, ignoredMessage, obj, slackConversation, str } from './slack.parse.js';
import { failureReply, postEphemeral, publishReply, type SlackRuntime } from './slack.runtime.js';

type Json = Record<string, unknown>;

async function onMessageEvent(rt: SlackRuntime, envelope: Json): Promise<void> {
  const event = obj(envelope.event);
  const user = str(event?.user);
  const channel = str(event?.channel);
  if (!event || !user || !channel) return;
  const botUserId = await rt.botUserId();
  // Filter before looking anyone up: most messages in a DM channel that are not for us are the bot's own.
  if (event.type === 'message' && (event.channel_type !== 'im' || ignoredMessage(event, botUserId))) return;
  const actor = await rt.identities.actor(user);
  const inbound = eventToInbound(envelope, actor, botUserId, rt.clock.now());
  if (!inbound) return;
  let replies: Reply[];
  try {
    replies = await rt.context.handle(inbound);
  } catch (err) {
    rt.logger.error({ err }, 'slack message failed');
    replies = [failureReply(actor.locale)];
  }
  const inDm = inbound.via === 'message';
  const thread = str(event.thread_ts);
  const to = slackConversation(channel, { threadId: thread });
  for (const [index, reply] of replies.entries()) {
    // In a DM only the person sees the answer anyway, so every reply is posted there.
    if (!reply.private || inDm) await publishReply(rt, to, reply, inbound.deliveryId, index, actor.locale);
    else if (rt.answered.first(`${inbound.deliveryId}:${index}`)) await postEphemeral(rt, channel, user, reply, thread);
  }
}

export function registerEvents(app: App, rt: SlackRuntime): void {
  app.event('app_mention', async ({ body }) => onMessageEvent(rt, body as unknown as Json));
  app.event('message', async ({ body }) => onMessageEvent(rt, body as unknown as Json));
  app.event('app_home_opened', async ({ event }) => {
    // The event also fires for the Messages tab; only the Home tab has something to publish.
    if (event.tab && event.tab !== 'home') return;
    await rt.refreshHome(event.user);
  });
}
