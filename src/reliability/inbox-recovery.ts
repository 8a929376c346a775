// The inbox's second half: commands that were accepted (recorded, and the
// platform answered) but not finished because the process stopped are run
// again at start-up and every few seconds after, by whichever process finds
// them first. A command whose change is already on its ticket is not applied
// again. The replies go to the conversation through the outbox — private ones
// to the person's direct conversation — since the request that brought the
// command is long gone. (The console has no outbox: its client's retry of the
// same delivery id gets the stored replies.)
import type { Reply } from '../core/card.js';
import type { InboundCommand } from '../core/inbound.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/clock.js';
import type { Platform } from '../core/platform.js';
import type { NewOutboxMessage } from '../delivery/outbox.types.js';
import type { ResumedDelivery } from '../storage/delivery.repository.js';
import { isDatabaseUnavailable } from './db-errors.js';

export interface RecoverableLog {
  renew(): Promise<void>;
  expired(limit: number): Promise<string[]>;
  resume(deliveryId: string): Promise<ResumedDelivery | undefined>;
  finish(deliveryId: string, replies: Reply[]): Promise<void>;
}

export interface InboxRecoveryDeps {
  log: RecoverableLog;
  recover(inbound: InboundCommand, applied: boolean, ticketId?: string): Promise<Reply[]>;
  outbox: { enqueue(messages: NewOutboxMessage[], now: Date): Promise<void> };
  /** Platforms that can be sent to (those with an adapter). */
  canSend(platform: Platform): boolean;
  kick(): void;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How often to look (default 5 s, a third of the delivery lease). */
  everyMs?: number;
}

/** A command that failed this often (each time killing or stalling its process) is given up on. */
const MAX_ATTEMPTS = 4;

export class InboxRecovery {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = true;
  /** Commands finished by recovery since start (for logs and tests). */
  recovered = 0;

  constructor(private readonly deps: InboxRecoveryDeps) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => 0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass();
      void this.running
        .catch((err: unknown) => {
          // An outage is expected to end; anything else is worth a line, and the next pass tries again.
          if (!isDatabaseUnavailable(err)) this.deps.logger.error({ err }, 'inbox recovery pass failed');
          return 0;
        })
        .finally(() => this.schedule(this.deps.everyMs ?? 5_000));
    }, ms);
    this.timer.unref?.();
  }

  /** One pass: renews this process's leases, then finishes every expired reservation it can take. */
  async pass(): Promise<number> {
    await this.deps.log.renew();
    let done = 0;
    for (const id of await this.deps.log.expired(100)) {
      if (this.stopped) break;
      const resumed = await this.deps.log.resume(id);
      if (!resumed) continue; // another process took it, or its own process came back
      if (!resumed.command || resumed.attempts > MAX_ATTEMPTS) {
        this.deps.logger.error({ deliveryId: id, attempts: resumed.attempts }, 'gave up on a command that could not be finished');
        await this.deps.log.finish(id, []);
        continue;
      }
      const replies = await this.deps.recover(resumed.command, resumed.applied, resumed.ticketId);
      await this.publish(resumed.command, replies);
      done++;
    }
    if (done) this.deps.logger.info({ commands: done }, 'finished commands left half-done by a stopped process');
    this.recovered += done;
    return done;
  }

  private async publish(inbound: InboundCommand, replies: Reply[]): Promise<void> {
    const platform = inbound.conversation.platform;
    if (!replies.length || !this.deps.canSend(platform)) return;
    const { messageId: _messageId, ...where } = inbound.conversation;
    const messages: NewOutboxMessage[] = replies.map((reply, index) => ({
      // The adapters' own key for a delivery's reply: sent once even if the stopped process had queued it.
      key: `publish:${inbound.deliveryId}:${index}`,
      platform,
      op: 'send',
      ...(reply.private ? { dmUserId: inbound.actor.platformUserId } : { to: where }),
      ...(reply.card?.subject ? { subject: reply.card.subject } : {}),
      locale: inbound.actor.locale,
      content: { kind: 'reply', reply: { ...reply, private: false } },
    }));
    await this.deps.outbox.enqueue(messages, this.deps.clock.now());
    this.deps.kick();
  }
}
