// A notice sink that behaves like the notification store behind the real one
// (src/notifications/notification.effects.ts): each notice becomes one message
// per person, and a notice whose dedupe key was already stored for that person
// is dropped. It also keeps every delivery attempt, so a test can tell "sent
// once" apart from "sent twice, deduplicated".
import type { Notice } from '../../src/notifications/notification.types.js';
import { recipients } from '../../src/notifications/notification.effects.js';
import type { OrgView } from '../../src/org/org.types.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';

export interface SentNotice {
  personId: string;
  ticketId: string;
  message: string;
  params: Record<string, string | number>;
  dedupeKey?: string;
}

export class FakeNoticeSink {
  /** Stored messages, in order (after deduplication). */
  readonly sent: SentNotice[] = [];
  /** Every message the service asked for, duplicates included. */
  readonly attempts: SentNotice[] = [];
  private readonly keys = new Set<string>();

  constructor(private readonly org: OrgView) {}

  async deliver(ticket: Ticket, notices: Notice[], actorId?: string): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    for (const notice of notices) {
      for (const personId of recipients(notice.to, this.org)) {
        if (personId === actorId) continue;
        const row: SentNotice = { personId, ticketId: ticket.id, message: notice.message, params: { ...notice.params }, ...(notice.dedupeKey ? { dedupeKey: `${notice.dedupeKey}:${personId}` } : {}) };
        this.attempts.push(row);
        if (row.dedupeKey && this.keys.has(row.dedupeKey)) continue;
        if (row.dedupeKey) this.keys.add(row.dedupeKey);
        this.sent.push(row);
      }
    }
  }

  /** Stored messages for a person, optionally of one message code. */
  to(personId: string, message?: string): SentNotice[] {
    return this.sent.filter((n) => n.personId === personId && (!message || n.message === message));
  }

  /** `person message grade` per stored message, in order — a compact view for assertions. */
  summary(): string[] {
    return this.sent.map((n) => `${n.personId} ${n.message}${n.params.grade ? ` ${n.params.grade}` : ''}`);
  }

  /** Forgets what was sent so far (the dedupe keys are kept, as a store would keep them). */
  clear(): void {
    this.sent.length = 0;
    this.attempts.length = 0;
  }
}
