// Sends what the outbox holds: claims due messages, renders them with the
// latest state, paces each destination, and on failure retries (the
// platform's Retry-After, else exponential backoff with jitter) or parks the
// message for an admin — a message is never dropped silently.
import { DeliveryError, type ChatAdapter, type SentMessage } from '../core/chat-adapter.js';
import type { Clock } from '../core/clock.js';
import type { Reply } from '../core/card.js';
import type { ConversationRef, Platform } from '../core/platform.js';
import type { CardPostStore, OutboxContent, OutboxMessage, OutboxStore } from './outbox.types.js';
import { LocalPaceKeeper, type PaceKeeper } from './pacer.js';

export interface OutboxRenderer {
  /** The reply to send now; undefined when there is nothing left to say (the subject is gone). */
  render(content: OutboxContent, platform: Platform): Promise<Reply | undefined>;
}

export interface OutboxWorkerLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  leaseMs?: number;
  /** A message still failing after this long is parked (default one day). */
  maxAgeMs?: number;
  /** Longest pause between retries. */
  maxBackoffMs?: number;
}

export interface OutboxWorkerDeps {
  store: OutboxStore;
  posts: CardPostStore;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  renderer: OutboxRenderer;
  /** Per-destination limits; shared through the database when several instances send. */
  pace?: PaceKeeper;
  clock: Clock;
  logger: OutboxWorkerLogger;
  /** Told after a card was posted and remembered (a change made meanwhile can then reach the new copy). */
  onPosted?: (message: OutboxMessage) => Promise<void>;
  /** Runs before each pass (turns new notifications into outbox messages). */
  beforePass?: () => Promise<unknown>;
  /** Called after each message is settled (sent, retried or parked), for metrics and tests. */
  onSettled?: (message: OutboxMessage, outcome: 'sent' | 'retry' | 'parked', detail?: { retryAfterMs?: number }) => void;
}

export class OutboxWorker {
  private readonly pacer: PaceKeeper;
  private readonly options: Required<OutboxWorkerOptions>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(private readonly deps: OutboxWorkerDeps, options: OutboxWorkerOptions = {}) {
    this.pacer = deps.pace ?? new LocalPaceKeeper();
    this.options = { pollMs: 250, batchSize: 100, leaseMs: 60_000, maxAgeMs: 24 * 3600_000, maxBackoffMs: 10 * 60_000, ...options };
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Something was enqueued: drain soon rather than at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain()
        .then(() => undefined)
        .catch((err) => this.deps.logger.error({ err }, 'outbox pass failed'))
        .finally(() => {
          this.running = undefined;
          const again = this.again;
          this.again = false;
          this.schedule(again ? 0 : this.options.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /** One pass: claims what is due and sends it, destinations in parallel, each in order. */
  async drain(): Promise<number> {
    let total = 0;
    await this.deps.beforePass?.();
    for (;;) {
      const claimed = await this.deps.store.claim(this.deps.clock.now(), this.options.batchSize, this.options.leaseMs);
      if (!claimed.length) return total;
      total += claimed.length;
      const byDestination = new Map<string, OutboxMessage[]>();
      for (const message of claimed) {
        const key = destinationKey(message);
        byDestination.set(key, [...(byDestination.get(key) ?? []), message]);
      }
      await Promise.all([...byDestination.entries()].map(([key, messages]) => this.sendInOrder(key, messages)));
      if (claimed.length < this.options.batchSize || this.stopped) return total;
    }
  }

  private async sendInOrder(destination: string, messages: OutboxMessage[]): Promise<void> {
    for (const message of messages) {
      const adapter = this.deps.adapters.get(message.platform);
      if (!adapter) {
        await this.settle(message, 'parked', `no ${message.platform} connection is configured`);
        continue;
      }
      const rules = [{ key: destination, perSecond: adapter.limits.perConversationPerSecond }];
      if (adapter.limits.perAppPerSecond) rules.push({ key: `app:${message.platform}`, perSecond: adapter.limits.perAppPerSecond });
      const wait = await this.pacer.reserve(rules, this.deps.clock.now().getTime());
      // A long wait (after a 429) goes back to the queue instead of holding the lease.
      if (wait > this.options.leaseMs / 2) {
        await this.deps.store.retryAt(message.id, new Date(this.deps.clock.now().getTime() + wait), message.lastError ?? 'waiting for the rate limit');
        continue;
      }
      if (wait > 0) await sleep(wait);
      await this.sendOne(adapter, destination, message);
    }
  }

  private async sendOne(adapter: ChatAdapter, destination: string, message: OutboxMessage): Promise<void> {
    try {
      const reply = await this.deps.renderer.render(message.content, message.platform);
      if (!reply) return await this.settle(message, 'sent');
      if (message.op === 'update') {
        const to = message.to as ConversationRef;
        if (adapter.update && to.messageId) await adapter.update({ platform: message.platform, conversation: to, messageId: to.messageId }, reply);
        return await this.settle(message, 'sent');
      }
      const to = message.to ?? (await this.directConversation(adapter, message));
      const sent = await adapter.send(to, reply);
      await this.remember(message, sent, reply);
      await this.settle(message, 'sent', undefined, sent.messageId);
    } catch (err) {
      await this.failed(destination, message, err);
    }
  }

  private async directConversation(adapter: ChatAdapter, message: OutboxMessage): Promise<ConversationRef> {
    if (!adapter.directConversation || !message.dmUserId) throw new DeliveryError(`${message.platform} cannot open a direct conversation`, { permanent: true });
    return adapter.directConversation(message.dmUserId);
  }

  private async remember(message: OutboxMessage, sent: SentMessage, reply: Reply): Promise<void> {
    const subject = message.subject ?? reply.card?.subject;
    if (!subject || !sent.messageId || !reply.card) return;
    await this.deps.posts.add({
      subject,
      platform: message.platform,
      conversation: { ...sent.conversation, messageId: sent.messageId },
      messageId: sent.messageId,
      locale: message.locale ?? 'en',
      postedAt: this.deps.clock.now(),
    });
    await this.deps.onPosted?.(message);
  }

  private async failed(destination: string, message: OutboxMessage, err: unknown): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const error = err instanceof Error ? err.message : String(err);
    const delivery = err instanceof DeliveryError ? err : undefined;
    if (delivery?.permanent) return this.settle(message, 'parked', error);
    if (now - message.createdAt.getTime() > this.options.maxAgeMs) return this.settle(message, 'parked', `gave up after ${message.attempts} attempts: ${error}`);
    let delay: number;
    if (delivery?.retryAfterMs !== undefined) {
      delay = delivery.retryAfterMs;
      await this.pacer.block(destination, now + delay);
    } else {
      const base = Math.min(1000 * 2 ** Math.max(0, message.attempts - 1), this.options.maxBackoffMs);
      delay = Math.round(base * (0.5 + Math.random()));
      if (!delivery) this.deps.logger.warn({ err, outboxId: message.id }, 'sending a message failed; will retry');
    }
    await this.deps.store.retryAt(message.id, new Date(now + delay), error);
    this.deps.onSettled?.(message, 'retry', { retryAfterMs: delivery?.retryAfterMs });
  }

  private async settle(message: OutboxMessage, outcome: 'sent' | 'parked', error?: string, messageId?: string): Promise<void> {
    if (outcome === 'sent') await this.deps.store.markSent(message.id, this.deps.clock.now(), messageId);
    else {
      await this.deps.store.park(message.id, error ?? 'parked');
      this.deps.logger.error({ outboxId: message.id, platform: message.platform, error }, 'a message could not be delivered and was parked for an admin');
    }
    this.deps.onSettled?.(message, outcome);
  }
}

/** Messages to one conversation (or one person's DM) share a queue. */
export function destinationKey(message: Pick<OutboxMessage, 'platform' | 'to' | 'dmUserId'>): string {
  if (message.to) return `${message.platform}:${message.to.conversationId}`;
  return `${message.platform}:dm:${message.dmUserId ?? '?'}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
