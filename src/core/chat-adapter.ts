// What the rest of Duban needs from a chat platform, and what a platform
// adapter gets from Duban. Adapters translate; they hold no ticket logic.
import type { Platform, ConversationRef, Locale } from './platform.js';
import type { Card, Reply } from './card.js';
import type { InboundCommand } from './inbound.js';

export interface SentMessage {
  platform: Platform;
  conversation: ConversationRef;
  /** Platform message id, for later in-place updates. */
  messageId?: string;
}

/** Per-destination pacing the outbox keeps for a platform (the platform's documented limits). */
export interface SendLimits {
  /** Messages per second into one conversation (Slack ~1, Teams 7, Feishu 5). */
  perConversationPerSecond: number;
  /** Messages per second for the whole app, where the platform has such a limit (Feishu 50). */
  perAppPerSecond?: number;
}

export interface ChatAdapter {
  readonly platform: Platform;
  readonly limits: SendLimits;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Posts a reply into a conversation (a channel, a DM, a thread when `to.threadId` is set).
   * One attempt only: the outbox paces, retries and parks. Throw DeliveryError to say how.
   */
  send(to: ConversationRef, reply: Reply): Promise<SentMessage>;
  /** Replaces a message the bot sent earlier, where the platform allows it. */
  update?(message: SentMessage, reply: Reply): Promise<void>;
  /** Opens (or finds) the direct conversation with a platform user. */
  directConversation?(platformUserId: string): Promise<ConversationRef>;
}

/**
 * A failed platform call, classified so the outbox knows what to do:
 * rate limited (wait `retryAfterMs`, then retry), transient (back off and retry),
 * or permanent (the destination is gone or forbidden: park it for an admin).
 */
export class DeliveryError extends Error {
  readonly retryAfterMs?: number;
  readonly permanent: boolean;
  readonly status?: number;
  constructor(message: string, options: { retryAfterMs?: number; permanent?: boolean; status?: number; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'DeliveryError';
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
    this.status = options.status;
  }
}

/** Where a card about one subject (`ticket:T-12`) was posted, so every copy can be updated in place. */
export interface CardPostLog {
  record(subject: string, message: SentMessage, locale?: Locale): Promise<void>;
}

/** Conversation references an adapter keeps for proactive messages (Teams needs them; others may). */
export interface ConversationStore {
  save(platform: Platform, key: string, ref: ConversationRef): Promise<void>;
  get(platform: Platform, key: string): Promise<ConversationRef | undefined>;
}

/** The directory person behind a platform user, as an adapter needs it. */
export interface KnownPerson {
  id: string;
  name: string;
  locale: Locale;
}

/** Everything an adapter is given by the composition root. */
export interface AdapterContext {
  /** The one command entry point: runs a command (deduplicated by delivery id) and returns the replies. */
  handle(inbound: InboundCommand): Promise<Reply[]>;
  /**
   * Finds the person behind a platform user by linked identity, else by e-mail (and then
   * links the identity so the next lookup is direct). Undefined for strangers.
   */
  identify(platform: Platform, platformUserId: string, email?: string): Promise<KnownPerson | undefined>;
  /**
   * Posts a reply into a conversation through the outbox: persisted first, then sent by a
   * worker that paces per destination, retries (Retry-After, backoff) and never drops it.
   * A card with a `subject` is remembered, so later changes of that subject update it in
   * place. `key` makes it idempotent (a redelivered command publishes once): use the
   * delivery id plus the reply's index. `locale` is the language the reply is in, so later
   * in-place updates of its card keep it.
   */
  publish(to: ConversationRef, reply: Reply, key: string, locale?: Locale): Promise<void>;
  cardPosts: CardPostLog;
  conversations: ConversationStore;
  /** Cards for a person's home view: their open tickets, the unclaimed queue, penalties and appeals. */
  homeFor?(personId: string): Promise<Card[]>;
  /** The neutral form for opening a ticket (title, type, priority, tier, customer, description). */
  openForm(locale: Locale, prefill?: { title?: string; description?: string }): Card;
}
