// Button clicks and select choices on our cards (`block_actions`). Slack is
// answered at once; the command runs; when its reply is the same card as the
// clicked one (same subject) the clicked message is replaced in place, private
// answers (e.g. a validation error) appear only to the clicker and leave the
// card as it was, and anything else public goes to the channel via the outbox.
import type { App } from '@slack/bolt';
import type { Reply } from '../../src/core/card.js';
import { actionToInbound, clickedSubject, obj, slackConversation, str } from './slack.parse.js';
import { renderReply } from './slack.render.js';
import { failureReply, postDirect, publishReply, respondWith, type RespondFn, type SlackRuntime } from './slack.runtime.js';

type Json = Record<string, unknown>;

/** Replaces the clicked message with the new card; ephemeral messages can only be replaced through response_url. */
async function replaceClicked(rt: SlackRuntime, container: Json, reply: Reply, respond: RespondFn | undefined): Promise<boolean> {
  const channel = str(container.channel_id);
  const ts = str(container.message_ts);
  if (container.is_ephemeral === true || !channel || !ts) return respondWith(rt, respond, reply, { replaceOriginal: true });
  const message = renderReply(reply);
  try {
    await rt.web.chat.update({ channel, ts, text: message.text, blocks: message.blocks as never });
    return true;
  } catch (err) {
    rt.logger.warn({ err: (err as Error).message, channel }, 'slack chat.update of a clicked card failed');
    return respondWith(rt, respond, reply, { replaceOriginal: true });
  }
}

async function onBlockAction(rt: SlackRuntime, body: Json, respond: RespondFn | undefined): Promise<void> {
  const userId = str(obj(body.user)?.id);
  if (!userId) return;
  const actor = await rt.identities.actor(userId, str(obj(body.user)?.name));
  const inbound = actionToInbound(body, actor, rt.clock.now());
  if (!inbound) return;
  let replies: Reply[];
  try {
    replies = await rt.context.handle(inbound);
  } catch (err) {
    rt.logger.error({ err }, 'slack button failed');
    replies = [failureReply(actor.locale)];
  }
  const container = obj(body.container) ?? {};
  const fromMessage = container.type === 'message';
  const fromHome = container.type === 'view' && obj(body.view)?.type === 'home';
  const subject = fromMessage ? clickedSubject(body) : undefined;
  // Public answers land where the card was (its thread, if any), or in the person's DM for Home tab clicks.
  const where = fromMessage ? slackConversation(inbound.conversation.conversationId, { threadId: inbound.conversation.threadId }) : slackConversation(userId);
  let replaced = false;
  for (const [index, reply] of replies.entries()) {
    if (!rt.answered.first(`${inbound.deliveryId}:${index}`)) continue;
    if (!reply.private && !replaced && subject && reply.card?.subject === subject) {
      replaced = await replaceClicked(rt, container, reply, respond);
      if (replaced) continue;
    }
    if (reply.private) {
      if (!(fromMessage && (await respondWith(rt, respond, reply)))) await postDirect(rt, userId, reply);
    } else await publishReply(rt, where, reply, inbound.deliveryId, index, actor.locale);
  }
  if (fromHome) await rt.refreshHome(userId);
}

export function registerInteractions(app: App, rt: SlackRuntime): void {
  app.action(/.*/, async ({ body, ack, respond }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    await onBlockAction(rt, body as unknown as Json, respond as unknown as RespondFn | undefined);
  });
}
