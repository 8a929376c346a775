// Opening a ticket: defaults, validation and the effects of "opened".
import { CodedError } from '../core/errors.js';
import type { Effect, TransitionContext } from './ticket.machine.js';
import { timelineEvent } from './ticket.machine.js';
import type { OpenTicketInput, Ticket } from './ticket.types.js';

export const MAX_TITLE_LENGTH = 200;
export const MAX_TEXT_LENGTH = 4000;

export function ticketId(number: number): string {
  return `T-${number}`;
}

/** `T-12`, `t12`, `#12` and `12` all name ticket T-12. */
export function parseTicketId(raw: string): string | undefined {
  // NFKC folds full-width input (Ｔ－１２, typed with Chinese input methods) to T-12.
  const m = /^(?:t-?|#)?(\d{1,9})$/i.exec(raw.normalize('NFKC').trim());
  return m ? ticketId(Number(m[1])) : undefined;
}

/** Everything that can make an open fail, checked before a ticket number is taken. */
export function checkOpenInput(input: Pick<OpenTicketInput, 'title' | 'type' | 'incidentLevel'>): void {
  const title = input.title.trim();
  if (!title) throw new CodedError('ticket.title_missing');
  if (title.length > MAX_TITLE_LENGTH) throw new CodedError('ticket.title_too_long', { max: MAX_TITLE_LENGTH, length: title.length });
  if (input.incidentLevel !== undefined && (input.type ?? 'inquiry') !== 'incident') throw new CodedError('ticket.level_needs_incident');
}

export function openTicket(number: number, input: OpenTicketInput, ctx: TransitionContext): { ticket: Ticket; effects: Effect[] } {
  checkOpenInput(input);
  const title = input.title.trim();
  const type = input.type ?? (input.incidentLevel ? 'incident' : 'inquiry');
  const ticket: Ticket = {
    id: ticketId(number),
    number,
    title,
    description: input.description?.trim() || undefined,
    type,
    priority: input.priority ?? 'P3',
    tier: input.tier ?? 'standard',
    complexity: input.complexity ?? 'simple',
    incidentLevel: type === 'incident' ? (input.incidentLevel ?? 3) : undefined,
    channel: input.channel ?? 'chat',
    customer: input.customer?.trim() || undefined,
    customerId: input.customerId,
    state: 'open',
    departmentId: input.departmentId,
    createdBy: ctx.actorId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    confidential: input.confidential ?? false,
    version: 1,
    timeline: [],
  };
  const details: Record<string, string | number> = { type: ticket.type, priority: ticket.priority, tier: ticket.tier, department: ticket.departmentId };
  if (ticket.incidentLevel) details.level = ticket.incidentLevel;
  if (ticket.customerId) {
    details.customerId = ticket.customerId;
    details.customer = ticket.customer ?? '';
    // The opener chose a tier other than the customer's: the evidence says so.
    if (input.customerTier && input.customerTier !== ticket.tier) details.tierOverride = `${input.customerTier} → ${ticket.tier}`;
  }
  ticket.timeline.push(timelineEvent('open', ctx, undefined, 'open', details));

  const effects: Effect[] = [
    { kind: 'clock', action: 'start', clock: 'first_response' },
    { kind: 'clock', action: 'start', clock: 'resolution' },
  ];
  // Classification is done when the opener gave both type and priority.
  if (!input.type || !input.priority) effects.push({ kind: 'clock', action: 'start', clock: 'classification' });
  if (type === 'complaint') effects.push({ kind: 'clock', action: 'start', clock: 'complaint_contact' });
  if (type === 'incident') effects.push({ kind: 'clock', action: 'start', clock: 'incident_response' });
  const params = { ticketId: ticket.id, title: ticket.title, by: ctx.actorId, department: ticket.departmentId };
  effects.push({ kind: 'notify', to: { departmentQueue: ticket.departmentId }, message: 'ticket.opened', params });
  if (type === 'incident' && (ticket.incidentLevel === 1 || ticket.incidentLevel === 2)) {
    effects.push({ kind: 'notify', to: { group: 'emergency' }, message: 'incident.major_opened', params: { ...params, level: ticket.incidentLevel } });
  }
  return { ticket, effects };
}
