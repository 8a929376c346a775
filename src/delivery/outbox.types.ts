// The outbox: every message the bot sends on a chat platform is stored here
// first, then sent by a worker that paces each destination, retries what
// failed and parks what keeps failing — so nothing is silently dropped.
import type { Reply } from '../core/card.js';
import type { ConversationRef, Locale, Platform } from '../core/platform.js';

/** What to send, rendered when it is sent so a late message shows the latest state. */
export type OutboxContent =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'ticket-card'; ticketId: string; locale: Locale }
  /** A short line about a ticket (an escalation told in the card's thread). */
  | { kind: 'ticket-text'; ticketId: string; locale: Locale; message: string }
  | { kind: 'notification'; notificationId: string; personId: string };

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'parked' | 'superseded';

export interface OutboxMessage {
  id: string;
  /** Same key = same message: enqueuing it again does nothing. */
  key: string;
  platform: Platform;
  op: 'send' | 'update';
  /** Where to post (send); a person's DM is opened through `dmUserId` instead. */
  to?: ConversationRef;
  dmUserId?: string;
  /** The card post an update replaces. */
  postId?: string;
  content: OutboxContent;
  /** Card subject (`ticket:T-12`) recorded as a card post once sent. */
  subject?: string;
  locale?: Locale;
  /** The subject's version when this was queued (ticket cards), to catch changes made while it was on its way. */
  version?: number;
  /** Someone is waiting for it (a command's answer): claimed first, also while the process is busy. */
  urgent?: boolean;
  status: OutboxStatus;
  attempts: number;
  dueAt: Date;
  createdAt: Date;
  leaseUntil?: Date;
  sentAt?: Date;
  messageId?: string;
  lastError?: string;
}

export type NewOutboxMessage = Omit<OutboxMessage, 'id' | 'status' | 'attempts' | 'dueAt' | 'createdAt'> & { dueAt?: Date };

/** A card the bot posted, so every copy of a subject can be updated in place. */
export interface CardPost {
  id: string;
  subject: string;
  platform: Platform;
  conversation: ConversationRef;
  messageId: string;
  locale: Locale;
  postedAt: Date;
}

export interface OutboxStore {
  enqueue(messages: NewOutboxMessage[], now: Date): Promise<void>;
  /** Claims up to `limit` due messages (pending, or sending with an expired lease) for `leaseMs`; only urgent ones if asked. */
  claim(now: Date, limit: number, leaseMs: number, only?: { urgent: true }): Promise<OutboxMessage[]>;
  markSent(id: string, now: Date, messageId?: string): Promise<void>;
  retryAt(id: string, dueAt: Date, error: string): Promise<void>;
  /**
   * Returns claimed messages unsent, each batch due at its own moment, in one write; the claim
   * does not count as an attempt (they were held back for their destination's pace, not tried).
   */
  putBack(batches: ReadonlyArray<{ ids: string[]; dueAt: Date }>, reason: string): Promise<void>;
  park(id: string, error: string): Promise<void>;
  /** Marks older pending updates of a card post as superseded by a newer one. */
  supersede(postId: string, exceptKey: string): Promise<void>;
  counts(): Promise<Record<OutboxStatus, number>>;
  list(status: OutboxStatus, limit: number): Promise<OutboxMessage[]>;
}

export interface CardPostStore {
  add(post: Omit<CardPost, 'id'>): Promise<void>;
  forSubject(subject: string): Promise<CardPost[]>;
}
