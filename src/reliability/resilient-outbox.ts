// The outbox while the database is away. Messages are stored before they are
// sent; when they cannot be stored, the only ones worth sending anyway are
// answers to a person waiting in a conversation (above all "Duban can't save
// right now, try again in a minute"): those are sent once, directly, without
// the outbox's retries. Everything else waits for the database, as before.
import type { ChatAdapter } from '../core/chat-adapter.js';
import type { Logger } from '../core/logger.js';
import type { Platform } from '../core/platform.js';
import type { CardPost, NewOutboxMessage } from '../delivery/outbox.types.js';
import { MongoOutboxStore } from '../storage/outbox.repository.js';
import { MongoCardPostStore } from '../storage/chat-state.repository.js';
import { isDatabaseUnavailable } from './db-errors.js';

export class ResilientOutboxStore extends MongoOutboxStore {
  /** The adapters to send with (set once the chat side is wired). */
  adapters?: ReadonlyMap<Platform, ChatAdapter>;
  logger?: Pick<Logger, 'warn'>;
  /** Answers sent directly because the outbox could not store them (for tests and metrics). */
  sentDirectly = 0;

  override async enqueue(messages: NewOutboxMessage[], now: Date): Promise<void> {
    try {
      await super.enqueue(messages, now);
    } catch (err) {
      const direct = isDatabaseUnavailable(err) ? messages.filter((m) => m.op === 'send' && m.to && m.content.kind === 'reply') : [];
      if (!direct.length) throw err;
      for (const message of direct) await this.sendDirectly(message);
      if (direct.length < messages.length) throw err;
    }
  }

  private async sendDirectly(message: NewOutboxMessage): Promise<void> {
    const adapter = this.adapters?.get(message.platform);
    if (!adapter || !message.to || message.content.kind !== 'reply') return;
    try {
      await adapter.send(message.to, message.content.reply);
      this.sentDirectly++;
    } catch (err) {
      this.logger?.warn({ err, platform: message.platform }, 'could not send an answer directly while the database is away');
    }
  }
}

/**
 * Where a ticket's cards were posted, or none while the database is away: an answer about a
 * ticket is then posted as a new message (sent directly, above) instead of not at all.
 */
export class ResilientCardPostStore extends MongoCardPostStore {
  override async forSubject(subject: string): Promise<CardPost[]> {
    try {
      return await super.forSubject(subject);
    } catch (err) {
      if (isDatabaseUnavailable(err)) return [];
      throw err;
    }
  }
}
