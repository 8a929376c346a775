// The escalation chain (POLICY.md §3): agent → supervisor → department manager
// → service director. Each step names the person who becomes responsible.
import { CodedError } from '../core/errors.js';
import type { OrgView } from '../org/org.types.js';
import { ESCALATION_LEVELS, type EscalationLevel, type Ticket } from './ticket.types.js';

export interface EscalationStep {
  level: EscalationLevel;
  toPersonId?: string;
}

/** The next level above the ticket's current one, skipping levels with nobody to take them. */
export function nextEscalation(ticket: Ticket, org: OrgView): EscalationStep {
  const current = ticket.escalation ? ESCALATION_LEVELS.indexOf(ticket.escalation.level) : 0;
  for (let i = current + 1; i < ESCALATION_LEVELS.length; i++) {
    const level = ESCALATION_LEVELS[i];
    const person = responsibleAt(level, ticket, org);
    if (person && person !== ticket.escalation?.toPersonId) return { level, toPersonId: person };
  }
  throw new CodedError('ticket.escalation_at_top', { id: ticket.id });
}

function responsibleAt(level: EscalationLevel, ticket: Ticket, org: OrgView): string | undefined {
  const dept = org.department(ticket.departmentId);
  switch (level) {
    case 'supervisor': {
      // Unclaimed tickets have no owner's supervisor: the department lead answers for the queue.
      const owner = ticket.ownerId ? org.person(ticket.ownerId) : undefined;
      return owner?.supervisorId ?? dept?.leadId;
    }
    case 'manager':
      return dept?.managerId;
    case 'director':
      return org.directors()[0]?.id;
    default:
      return ticket.ownerId;
  }
}
