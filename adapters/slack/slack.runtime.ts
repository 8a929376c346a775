// What the Slack listeners share: the clients, the adapter context, who the
// bot is, and the few ways a reply reaches Slack (through the outbox for
// anything public, ephemeral or response_url for what only the actor sees).
import type { AdapterContext } from '../../src/core/chat-adapter.js';
import type { Reply } from '../../src/core/card.js';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import type { ConversationRef, Locale } from '../../src/core/platform.js';
import { translate } from '../../conversations/messages/index.js';
import type { WebClient } from './slack.client.js';
import type { SlackIdentities } from './slack.identity.js';
import { renderReply } from './slack.render.js';

export interface SlackRuntime {
  web: WebClient;
  context: AdapterContext;
  identities: SlackIdentities;
  clock: Clock;
  logger: Logger;
  /** The bot's own user id (from auth.test), once known. */
  botUserId(): Promise<string | undefined>;
  /** How long a slash command may run before Slack is told "working on it". */
  ackWithinMs: number;
  /** Private answers already given, so a redelivered event is not answered twice. */
  answered: AnsweredLog;
  /** Re-publishes a person's Home tab (after a click there changed something). */
  refreshHome(userId: string): Promise<void>;
}

export function workingText(locale: Locale): string {
  return translate(locale, 'reply.working');
}

export function failureReply(locale: Locale): Reply {
  return { text: translate(locale, 'internal.error'), private: true };
}

/** Delivery ids answered recently (in memory: the command itself is deduplicated durably by `handle`). */
export class AnsweredLog {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 30 * 60 * 1000,
  ) {}

  /** True the first time an id is seen within the window. */
  first(id: string): boolean {
    const now = this.clock.now().getTime();
    if (this.seen.size > 5_000) for (const [k, until] of this.seen) if (until <= now) this.seen.delete(k);
    const until = this.seen.get(id);
    if (until !== undefined && until > now) return false;
    this.seen.set(id, now + this.ttlMs);
    return true;
  }
}

/**
 * Public replies go through the outbox, keyed by delivery and position, so a redelivery publishes
 * once; the locale keeps later in-place updates of the card in the same language.
 */
export async function publishReply(rt: SlackRuntime, to: ConversationRef, reply: Reply, deliveryId: string, index: number, locale: Locale): Promise<void> {
  try {
    await rt.context.publish(to, { ...reply, private: false }, `${deliveryId}:${index}`, locale);
  } catch (err) {
    rt.logger.error({ err, deliveryId }, 'could not queue a Slack reply');
  }
}

/** A reply only `user` sees, in a channel (and thread). */
export async function postEphemeral(rt: SlackRuntime, channel: string, user: string, reply: Reply, threadTs?: string): Promise<void> {
  const message = renderReply(reply);
  try {
    await rt.web.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks as never, ...(threadTs ? { thread_ts: threadTs } : {}) });
  } catch (err) {
    rt.logger.warn({ err: (err as Error).message, channel }, 'slack chat.postEphemeral failed');
  }
}

/** A reply in the person's DM with the bot (used where there is no channel, e.g. the Home tab). */
export async function postDirect(rt: SlackRuntime, user: string, reply: Reply): Promise<void> {
  const message = renderReply(reply);
  try {
    const opened = await rt.web.conversations.open({ users: user });
    await rt.web.chat.postMessage({ channel: opened.channel?.id ?? user, text: message.text, blocks: message.blocks as never });
  } catch (err) {
    rt.logger.warn({ err: (err as Error).message, user }, 'slack direct message failed');
  }
}

export type RespondFn = (message: Record<string, unknown>) => Promise<unknown>;

/** Answers through the request's response_url (ephemeral unless told otherwise). */
export async function respondWith(rt: SlackRuntime, respond: RespondFn | undefined, reply: Reply, options: { replaceOriginal?: boolean } = {}): Promise<boolean> {
  if (!respond) return false;
  const message = renderReply(reply);
  try {
    await respond({
      ...(options.replaceOriginal ? { replace_original: true } : { response_type: 'ephemeral', replace_original: false }),
      text: message.text,
      blocks: message.blocks,
    });
    return true;
  } catch (err) {
    rt.logger.warn({ err: (err as Error).message }, 'slack response_url failed');
    return false;
  }
}

/** Runs `work`, resolving early with `undefined` when it has not finished within `ms`. */
export async function within<T>(work: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
