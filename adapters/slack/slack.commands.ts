// `/ticket`, the open-ticket modal (from `/ticket open` with no title and
// from the "Create ticket from message" shortcut) and its submission.
// A command is handed to the command entry point (which persists and
// deduplicates it); Slack is answered within its 3 s, with the private
// replies when they are ready in time, else with "working on it" and the
// replies later through response_url. Public replies go through the outbox.
import type { App } from '@slack/bolt';
import type { Reply } from '../../src/core/card.js';
import type { InboundCommand } from '../../src/core/inbound.js';
import type { Locale } from '../../src/core/platform.js';
import { commandToInbound, decodeOrigin, obj, permalink, prefillFromMessage, str, viewToInbound, wantsOpenForm, unescapeSlack } from './slack.parse.js';
import { OPEN_MODAL_CALLBACK_ID, renderOpenModal, renderReply, type ModalOrigin } from './slack.render.js';
import { failureReply, postDirect, postEphemeral, publishReply, respondWith, within, workingText, type RespondFn, type SlackRuntime } from './slack.runtime.js';

/** The message shortcut's callback id, as declared in manifest.json. */
export const MESSAGE_SHORTCUT_CALLBACK_ID = 'ticket_from_message';

type Json = Record<string, unknown>;
type AckFn = (response?: unknown) => Promise<void>;
type Outcome = { inbound: InboundCommand; replies: Reply[] };

function ephemeralBody(reply: Reply): Json {
  const message = renderReply(reply);
  return { response_type: 'ephemeral', text: message.text, blocks: message.blocks };
}

async function openModal(rt: SlackRuntime, triggerId: string | undefined, origin: ModalOrigin, locale: Locale, prefill: { title?: string; description?: string }, onFail: (reply: Reply) => Promise<unknown>): Promise<void> {
  if (!triggerId) return;
  const view = renderOpenModal(rt.context.openForm(locale, prefill), origin, locale);
  try {
    await rt.web.views.open({ trigger_id: triggerId, view: view as never });
  } catch (err) {
    rt.logger.warn({ err: (err as Error).message }, 'slack views.open failed');
    await onFail(failureReply(locale));
  }
}

async function onSlashCommand(rt: SlackRuntime, body: Json, ack: AckFn, respond: RespondFn | undefined): Promise<void> {
  const userId = str(body.user_id);
  if (!userId) return ack();
  const typed = unescapeSlack(str(body.text) ?? '');
  if (wantsOpenForm(typed)) {
    // The trigger id lives 3 s: answer Slack first, then open the modal.
    await ack();
    const actor = await rt.identities.actor(userId, str(body.user_name));
    await openModal(rt, str(body.trigger_id), { channel: str(body.channel_id) }, actor.locale, {}, (r) => respondWith(rt, respond, r));
    return;
  }
  const work = (async (): Promise<Outcome> => {
    const actor = await rt.identities.actor(userId, str(body.user_name));
    const inbound = commandToInbound(body, actor, rt.clock.now());
    return { inbound, replies: await rt.context.handle(inbound) };
  })();
  const guessLocale: Locale = /[\u4e00-\u9fff]/.test(typed) ? 'zh-CN' : 'en';
  let ready: { value: Outcome } | undefined;
  try {
    ready = await within(work, rt.ackWithinMs);
  } catch (err) {
    rt.logger.error({ err }, 'slack command failed');
    return ack(ephemeralBody(failureReply(guessLocale)));
  }
  if (!ready) await ack({ response_type: 'ephemeral', text: workingText(guessLocale) });
  let outcome: Outcome;
  try {
    outcome = ready ? ready.value : await work;
  } catch (err) {
    rt.logger.error({ err }, 'slack command failed');
    await respondWith(rt, respond, failureReply(guessLocale));
    return;
  }
  const { inbound, replies } = outcome;
  const privateOnes = replies.map((reply, index) => ({ reply, index })).filter((r) => r.reply.private);
  if (ready) {
    await ack(privateOnes.length ? ephemeralBody(privateOnes[0].reply) : undefined);
    for (const p of privateOnes.slice(1)) await respondWith(rt, respond, p.reply);
  } else {
    // The first private answer takes the place of "working on it"; with none, the notice is removed.
    const [first, ...rest] = privateOnes;
    if (!first) await respond?.({ delete_original: true }).catch(() => undefined);
    else if (!(await respondWith(rt, respond, first.reply, { replaceOriginal: true }))) await respondWith(rt, respond, first.reply);
    for (const p of rest) await respondWith(rt, respond, p.reply);
  }
  for (const [index, reply] of replies.entries()) if (!reply.private) await publishReply(rt, inbound.conversation, reply, inbound.deliveryId, index, inbound.actor.locale);
}

async function onMessageShortcut(rt: SlackRuntime, body: Json, respond: RespondFn | undefined): Promise<void> {
  const userId = str(obj(body.user)?.id);
  const channel = str(obj(body.channel)?.id);
  const message = obj(body.message) ?? {};
  if (!userId) return;
  const ts = str(message.ts) ?? str(body.message_ts);
  const actor = await rt.identities.actor(userId, str(obj(body.user)?.name));
  let link = permalink(str(obj(body.team)?.domain), channel, ts);
  if (!link && channel && ts) {
    link = await rt.web.chat
      .getPermalink({ channel, message_ts: ts })
      .then((r) => r.permalink)
      .catch(() => undefined);
  }
  // The ticket card is posted in the thread of the message it was filed from.
  const origin: ModalOrigin = { channel, thread: str(message.thread_ts) ?? ts, link };
  await openModal(rt, str(body.trigger_id), origin, actor.locale, prefillFromMessage(str(message.text)), (r) => respondWith(rt, respond, r));
}

async function onOpenSubmitted(rt: SlackRuntime, body: Json): Promise<void> {
  const userId = str(obj(body.user)?.id);
  if (!userId) return;
  const actor = await rt.identities.actor(userId, str(obj(body.user)?.name));
  const inbound = viewToInbound(body, actor, rt.clock.now());
  if (!inbound) return;
  let replies: Reply[];
  try {
    replies = await rt.context.handle(inbound);
  } catch (err) {
    rt.logger.error({ err }, 'slack modal submission failed');
    replies = [failureReply(actor.locale)];
  }
  const origin = decodeOrigin(obj(body.view)?.private_metadata);
  for (const [index, reply] of replies.entries()) {
    if (!reply.private) await publishReply(rt, inbound.conversation, reply, inbound.deliveryId, index, inbound.actor.locale);
    else if (!rt.answered.first(`${inbound.deliveryId}:${index}`)) continue;
    else if (origin.channel) await postEphemeral(rt, origin.channel, userId, reply, origin.thread);
    else await postDirect(rt, userId, reply);
  }
}

export function registerCommands(app: App, rt: SlackRuntime): void {
  // Any command name: a workspace that renamed /ticket still reaches the same handler.
  app.command(/.*/, async ({ body, ack, respond }) => {
    await onSlashCommand(rt, body as unknown as Json, ack as AckFn, respond as unknown as RespondFn);
  });
  app.shortcut(MESSAGE_SHORTCUT_CALLBACK_ID, async ({ body, ack, respond }) => {
    await ack();
    if ((body as { type?: string }).type !== 'message_action') return;
    await onMessageShortcut(rt, body as unknown as Json, respond as unknown as RespondFn | undefined);
  });
  app.view(OPEN_MODAL_CALLBACK_ID, async ({ body, ack }) => {
    // Closing the modal at once; the outcome arrives in the channel (or DM) it was opened from.
    await ack();
    await onOpenSubmitted(rt, body as unknown as Json);
  });
}
