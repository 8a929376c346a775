// Sends what the outbox holds: claims due messages, renders them with the
// latest state, paces each destination, and on failure retries (the
// platform's Retry-After, else exponential backoff with jitter) or parks the
// message for an admin — a message is never dropped silently. Each
// destination is sent to in its own lane, so a channel waiting out its pace
// never holds up an answer to somebody else.
import { DeliveryError, type ChatAdapter, type SentMessage } from '../core/chat-adapter.js';
import type { Clock } from '../core/clock.js';
import type { Reply } from '../core/card.js';
import type { ConversationRef, Platform } from '../core/platform.js';
import type { CardPostStore, OutboxContent, OutboxMessage, OutboxStore } from './outbox.types.js';
import { LocalPaceKeeper, type PaceKeeper } from './pacer.js';
import { holdAhead, newHeldBack, planReturn, type HeldBack } from './outbox-held-back.js';

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
  /** While the process is busy (see `busy`): messages claimed per pass, and the least time between passes. */
  busyBatchSize?: number;
  busyPollMs?: number;
  /** While busy, the least time between passes that claim answers people wait for. */
  busyUrgentMs?: number;
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
  /**
   * Whether the process is too busy for full-speed sending. People waiting for an answer come
   * first (Slack allows 3 s); meanwhile the outbox takes a few messages per pass, so it still moves.
   */
  busy?: () => boolean;
  /** Called after each message is settled (sent, retried or parked), for metrics and tests. */
  onSettled?: (message: OutboxMessage, outcome: 'sent' | 'retry' | 'parked', detail?: { retryAfterMs?: number }) => void;
}

export class OutboxWorker {
  private readonly pacer: PaceKeeper;
  private readonly options: Required<OutboxWorkerOptions>;
  private timer?: NodeJS.Timeout;
  /** When the pending timer fires (a kick may bring it forward, never push it back). */
  private timerAt = 0;
  /** When the last full pass began: while busy, full passes are at least `busyPollMs` apart. */
  private backgroundAt = -Infinity;
  /** An urgent message was enqueued since the last pass began. */
  private urgentWaiting = false;
  /** When the last pass began. */
  private passAt = -Infinity;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  /** Wakes pacing pauses when the worker stops, so shutdown does not wait out a channel's queue. */
  private wake: () => void = () => undefined;
  private stopping: Promise<void> = new Promise((resolve) => (this.wake = resolve));
  private halting = false;
  /**
   * When each destination may be sent to again after a 429. Pace slots reserved before the 429
   * (by another lane to the same conversation) would otherwise still go out early.
   */
  private readonly retryAfter = new Map<string, number>();
  /** Messages whose outcome could not be written (the database went away): released once it is back. */
  private readonly stranded = new Set<string>();
  /** Destinations being sent to, each with the claimed messages it still has to send, in order. */
  private readonly lanes = new Map<string, { queue: OutboxMessage[]; done: Promise<void>; perSecond: number }>();
  /**
   * Per destination, the messages put back to the outbox because its lane was full, with their due
   * moments (until they come back), the moment the next one put back could be sent, and the latest
   * due moment given.
   */
  private readonly waiting = new Map<string, HeldBack>();

  constructor(private readonly deps: OutboxWorkerDeps, options: OutboxWorkerOptions = {}) {
    this.pacer = deps.pace ?? new LocalPaceKeeper();
    this.options = { pollMs: 250, batchSize: 100, leaseMs: 60_000, maxAgeMs: 24 * 3600_000, maxBackoffMs: 10 * 60_000, busyBatchSize: 10, busyPollMs: 500, busyUrgentMs: 50, ...options };
  }

  start(): void {
    this.stopped = false;
    if (this.halting) this.stopping = new Promise((resolve) => (this.wake = resolve));
    this.halting = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halting = true;
    this.wake();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.lanesDone();
  }

  private async lanesDone(): Promise<void> {
    while (this.lanes.size) await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  /**
   * Something was enqueued: drain soon rather than at the next poll. An answer someone is waiting
   * for (`urgent`) is claimed at once even while the process is busy.
   */
  kick(urgent = false): void {
    if (this.stopped) return;
    this.urgentWaiting ||= urgent;
    if (this.running) this.again = true;
    else this.schedule(this.soonest());
  }

  /**
   * How soon the next pass may start: at once when calm; while busy, answers waiting are claimed
   * within `busyUrgentMs` of the last pass (one pass for the answers of many commands), the rest
   * once `busyPollMs` has passed since the last full pass.
   */
  private soonest(): number {
    if (!this.deps.busy?.()) return 0;
    const now = performance.now();
    if (this.urgentWaiting) return Math.max(0, this.passAt + this.options.busyUrgentMs - now);
    return Math.max(0, this.backgroundAt + this.options.busyPollMs - now);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    const at = performance.now() + ms;
    // A pass already due sooner stays as it is: frequent kicks must not keep pushing it back.
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass()
        .then(() => undefined)
        .catch((err) => this.deps.logger.error({ err }, 'outbox pass failed'))
        .finally(() => {
          this.running = undefined;
          const again = this.again;
          this.again = false;
          this.schedule(again ? this.soonest() : this.options.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /** One pass, waiting until everything it claimed is settled (tests and scripts call this). */
  async drain(): Promise<number> {
    const total = await this.pass();
    await this.lanesDone();
    return total;
  }

  /**
   * Claims what is due and starts sending it: destinations in parallel, each in order in its lane.
   * While the process is busy, answers people wait for are claimed every pass and the rest a few
   * at a time, every `busyPollMs`.
   */
  private async pass(): Promise<number> {
    let total = 0;
    for (const id of this.stranded) {
      await this.deps.store.retryAt(id, this.deps.clock.now(), 'the database was unavailable while it was being sent');
      this.stranded.delete(id);
    }
    this.urgentWaiting = false;
    this.passAt = performance.now();
    const busy = this.deps.busy?.() ?? false;
    if (busy) total += await this.claimAndQueue(this.options.batchSize, { urgent: true });
    if (busy && performance.now() - this.backgroundAt < this.options.busyPollMs) return total;
    this.backgroundAt = performance.now();
    await this.deps.beforePass?.();
    for (;;) {
      const batch = busy ? this.options.busyBatchSize : this.options.batchSize;
      const claimed = await this.claimAndQueue(batch);
      total += claimed;
      if (claimed < batch || this.stopped || busy) return total;
    }
  }

  /** Claims up to `limit` due messages into their lanes; returns how many it claimed. */
  private async claimAndQueue(limit: number, only?: { urgent: true }): Promise<number> {
    const claimed = await this.deps.store.claim(this.deps.clock.now(), limit, this.options.leaseMs, only);
    if (!claimed.length) return 0;
    const byDestination = new Map<string, OutboxMessage[]>();
    for (const message of claimed) {
      // A direct message joins the lane of the conversation it lands in, with the answers and card
      // updates already going there: one lane per conversation, so nothing is in flight to it
      // when a 429 comes back. (Unresolved here, it is resolved — and its failure classified — when sent.)
      if (!message.to && message.dmUserId) message.to = await this.resolveDirect(message);
      const key = destinationKey(message);
      byDestination.set(key, [...(byDestination.get(key) ?? []), message]);
    }
    const putBack: Array<{ ids: string[]; dueAt: Date }> = [];
    for (const [key, messages] of byDestination) putBack.push(...this.toLane(key, messages));
    // One write for everything held back, however many destinations are behind.
    if (putBack.length) await this.deps.store.putBack(putBack, 'waiting for earlier messages to the same place');
    return claimed.length;
  }

  /**
   * Queues messages in their destination's lane (starting it if idle) and returns those to put back.
   * A lane holds no more than it can send within a quarter of the lease at the destination's pace,
   * so a claimed message is always sent before its lease could run out. The rest goes back to the
   * outbox in chunks, each due shortly before the lane will have room for it — not every few
   * seconds, which under a backlog rewrote every waiting message again and again. While some are
   * back in the outbox, newer messages to the same place queue up behind them, so order holds.
   */
  private toLane(destination: string, messages: OutboxMessage[]): Array<{ ids: string[]; dueAt: Date }> {
    const perSecond = this.deps.adapters.get(messages[0].platform)?.limits.perConversationPerSecond ?? 1;
    const lane = this.lanes.get(destination) ?? { queue: [], done: Promise.resolve(), perSecond };
    const now = this.deps.clock.now().getTime();
    const capacity = Math.max(1, Math.floor((this.options.leaseMs / 4 / 1000) * perSecond));
    const waiting = this.waiting.get(destination);
    const returning = new Set(waiting ? messages.filter((m) => waiting.ids.delete(m.id)) : []);
    const fresh = returning.size ? messages.filter((m) => !returning.has(m)) : messages;
    if (waiting) {
      // One long past its due moment is not coming back here: superseded meanwhile, or taken by
      // another sender. Forgotten, or newer messages would wait behind it for good. (Due in order,
      // so the oldest are first.)
      for (const [id, dueAt] of waiting.ids) {
        if (dueAt >= now - this.options.leaseMs / 4) break;
        waiting.ids.delete(id);
      }
    }
    // Messages coming back were planned to fit; they go in even if the lane fell a little behind
    // meanwhile, but never past half a lease of sending (or the lease could run out while queued and
    // another sender send them too): the rest goes back once more, ahead of all still waiting.
    const back = [...returning];
    const admitted = back.slice(0, Math.max(0, 2 * capacity - lane.queue.length));
    lane.queue.push(...admitted);
    const putBack: Array<{ ids: string[]; dueAt: Date }> = [];
    if (waiting && admitted.length < back.length) putBack.push(holdAhead(waiting, back.slice(admitted.length), lane.queue.length - capacity, perSecond, now));
    const room = waiting?.ids.size ? 0 : Math.max(0, capacity - lane.queue.length);
    lane.queue.push(...fresh.slice(0, room));
    const later = fresh.slice(room);
    if (later.length) {
      const held = this.waiting.get(destination) ?? newHeldBack();
      this.waiting.set(destination, held);
      putBack.push(...planReturn(held, later, lane.queue.length, perSecond, capacity, now));
    }
    if (waiting && !waiting.ids.size) this.waiting.delete(destination);
    this.startLane(destination, lane);
    return putBack;
  }

  private startLane(destination: string, lane: { queue: OutboxMessage[]; done: Promise<void>; perSecond: number }): void {
    if (this.lanes.has(destination) || !lane.queue.length) return;
    this.lanes.set(destination, lane);
    lane.done = (async () => {
      for (;;) {
        const next = lane.queue.shift();
        // Closed in the same step that finds it empty, so nothing can be queued into a finished lane.
        if (!next) return void this.lanes.delete(destination);
        await this.sendInOrder(destination, [next]).catch((err: unknown) => {
          // Left 'sending' under its lease: put back as soon as the database answers rather than when the lease ends.
          this.stranded.add(next.id);
          this.deps.logger.error({ err, destination }, 'outbox lane failed');
        });
      }
    })();
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
      if (wait > 0) await Promise.race([sleep(wait), this.stopping]);
      if (this.halting) {
        // Shutting down mid-queue: the rest goes back to the outbox for the next start (or another instance).
        await this.deps.store.retryAt(message.id, this.deps.clock.now(), message.lastError ?? 'the sender stopped');
        continue;
      }
      await this.sendOne(adapter, destination, message);
    }
  }

  private async sendOne(adapter: ChatAdapter, destination: string, message: OutboxMessage): Promise<void> {
    const keys = [destination];
    try {
      // Rendered at the last moment (after the pace wait), so a card shows the ticket as it is now.
      const reply = await this.deps.renderer.render(message.content, message.platform);
      if (!reply) return await this.settle(message, 'sent');
      if (message.op === 'update') {
        const to = message.to as ConversationRef;
        await this.waitOutRetryAfter(keys);
        if (adapter.update && to.messageId) await adapter.update({ platform: message.platform, conversation: to, messageId: to.messageId }, reply);
        return await this.settle(message, 'sent');
      }
      const to = message.to ?? (await this.directConversation(adapter, message));
      // A direct message addressed by person is queued under the person; answers in that same
      // conversation are queued under the conversation. Both keep the conversation's pace and
      // its Retry-After, or the two queues together would send too fast and right after a 429.
      const conversationKey = destinationKey({ platform: message.platform, to });
      if (conversationKey !== destination) {
        keys.push(conversationKey);
        const wait = await this.pacer.reserve([{ key: conversationKey, perSecond: adapter.limits.perConversationPerSecond }], this.deps.clock.now().getTime());
        if (wait > this.options.leaseMs / 4) return await this.deps.store.retryAt(message.id, new Date(this.deps.clock.now().getTime() + wait), message.lastError ?? 'waiting for the rate limit');
        if (wait > 0) await Promise.race([sleep(wait), this.stopping]);
      }
      await this.waitOutRetryAfter(keys);
      const sent = await adapter.send(to, reply);
      await this.remember(message, sent, reply);
      await this.settle(message, 'sent', undefined, sent.messageId);
    } catch (err) {
      await this.failed(keys, message, err);
    }
  }

  private async waitOutRetryAfter(keys: string[]): Promise<void> {
    const wait = Math.max(0, ...keys.map((k) => this.retryAfter.get(k) ?? 0)) - this.deps.clock.now().getTime();
    if (wait > 0) await Promise.race([sleep(wait), this.stopping]);
  }

  private async resolveDirect(message: OutboxMessage): Promise<ConversationRef | undefined> {
    const adapter = this.deps.adapters.get(message.platform);
    return adapter ? this.directConversation(adapter, message).catch(() => undefined) : undefined;
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

  private async failed(destinations: string[], message: OutboxMessage, err: unknown): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const error = err instanceof Error ? err.message : String(err);
    const delivery = err instanceof DeliveryError ? err : undefined;
    if (delivery?.permanent) return this.settle(message, 'parked', error);
    if (now - message.createdAt.getTime() > this.options.maxAgeMs) return this.settle(message, 'parked', `gave up after ${message.attempts} attempts: ${error}`);
    let delay: number;
    if (delivery?.retryAfterMs !== undefined) {
      delay = delivery.retryAfterMs;
      for (const destination of destinations) {
        await this.pacer.block(destination, now + delay);
        this.retryAfter.set(destination, Math.max(this.retryAfter.get(destination) ?? 0, now + delay));
      }
      if (this.retryAfter.size > 10_000) for (const [k, until] of this.retryAfter) if (until < now) this.retryAfter.delete(k);
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
  // Unref'd: a pause for a rate limit must not keep a stopping process alive.
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
