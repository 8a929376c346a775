// Renders what the outbox sends, at the moment it is sent: a ticket card with
// the ticket's latest state, a ping in the person's language with the card
// that lets them act on it (a handoff to accept, a penalty to appeal).
import type { Reply, Card } from '../../src/core/card.js';
import type { Platform } from '../../src/core/platform.js';
import type { OrgView, Person } from '../../src/org/org.types.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import type { ClockView } from '../../src/sla/clock-view.js';
import type { Notification } from '../../src/notifications/notification.types.js';
import type { OutboxContent, OutboxRenderer } from '../../src/delivery/index.js';
import type { AppealRepository, PenaltyRepository } from '../../src/accountability/ports.js';
import { ticketCard } from './ticket.card.js';
import { appealCard, penaltyCard } from './penalty.card.js';
import { say } from './names.js';

export interface OutboxRenderDeps {
  org: OrgView;
  ticket(id: string): Promise<Ticket | undefined>;
  notification(id: string): Promise<Notification | undefined>;
  ledger: Pick<PenaltyRepository & AppealRepository, 'get' | 'getAppeal'>;
  clocksOf?: (ticket: Ticket) => ClockView[];
}

/** Pings that ask the reader to act on a ticket come with the ticket's live card. */
const DECISION_NOTICES = /^(handoff\.request|ticket\.escalated_to_you|ticket\.assigned_to_you|ticket\.opened|incident\.)/;

/** The card that goes with a ping, if any: a penalty or appeal to act on, or the ticket asking for a decision. */
export async function notificationCard(n: Notification, person: Person, deps: OutboxRenderDeps): Promise<Card | undefined> {
  const { org, ledger } = deps;
  if (n.message === 'penalty.recorded' || n.message === 'penalty.regraded') {
    const penalty = await ledger.get(String(n.params.penaltyId));
    return penalty ? penaltyCard(penalty, org, person.locale, { canAppeal: penalty.personId === person.id }) : undefined;
  }
  if (n.message === 'appeal.assigned') {
    const appeal = await ledger.getAppeal(String(n.params.appealId));
    const penalty = appeal && (await ledger.get(appeal.penaltyId));
    const ticket = appeal && (await deps.ticket(appeal.ticketId));
    return appeal && penalty && ticket ? appealCard(appeal, penalty, ticket, org, person.locale) : undefined;
  }
  if (n.ticketId && DECISION_NOTICES.test(n.message)) {
    const ticket = await deps.ticket(n.ticketId);
    if (ticket) return ticketCard(ticket, org, person.locale, deps.clocksOf?.(ticket));
  }
  return undefined;
}

export class OutboxReplyRenderer implements OutboxRenderer {
  constructor(private readonly deps: OutboxRenderDeps) {}

  async render(content: OutboxContent, _platform: Platform): Promise<Reply | undefined> {
    const { org } = this.deps;
    switch (content.kind) {
      case 'reply':
        return content.reply;
      case 'ticket-card': {
        const ticket = await this.deps.ticket(content.ticketId);
        return ticket ? { card: ticketCard(ticket, org, content.locale, this.deps.clocksOf?.(ticket)) } : undefined;
      }
      case 'ticket-text': {
        const ticket = await this.deps.ticket(content.ticketId);
        const escalation = ticket?.escalation;
        if (!ticket) return undefined;
        const params = { ticketId: ticket.id, title: ticket.title, level: escalation?.level ?? '', person: escalation?.toPersonId ?? '', reason: escalation?.reason ?? '' };
        return { text: say(content.locale, org, content.message, params) };
      }
      case 'notification': {
        const n = await this.deps.notification(content.notificationId);
        const person = org.person(content.personId);
        if (!n || !person) return undefined;
        const card = await notificationCard(n, person, this.deps);
        return { text: say(person.locale, org, n.message, n.params), ...(card ? { card } : {}) };
      }
    }
  }
}
