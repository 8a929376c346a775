// The ticket card: its state at a glance and buttons for the next steps that
// the ticket's state allows. Every adapter renders this same card.
import { card, type Card, type Tone } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';
import type { OrgView } from '../../src/org/org.types.js';
import { canTransition } from '../../src/tickets/ticket.machine.js';
import type { Ticket, TicketState } from '../../src/tickets/ticket.types.js';
import { translate } from '../messages/index.js';
import { departmentName, formatTime, personName } from './names.js';
import type { ClockView } from '../../src/sla/clock-view.js';
import { formatDuration } from '../../src/sla/duration.js';

const CLOCK_STATE_KEYS: Record<ClockView['status'], string> = {
  running: 'clock.state.running',
  overdue: 'clock.state.overdue',
  paused: 'clock.state.paused',
  stopped: 'clock.state.stopped',
  late: 'clock.state.stopped_late',
};

/** Running and overdue clocks first. */
export const CLOCK_ORDER: Record<ClockView['status'], number> = { overdue: 0, running: 1, paused: 2, late: 3, stopped: 4 };

/** One clock as a line: "resolution: 3 h 20 min left of 24 h", flagged when overdue. */
export function clockLine(c: ClockView, locale: Locale): string {
  const fmt = (ms: number) => formatDuration(ms, locale);
  const state = translate(locale, CLOCK_STATE_KEYS[c.status], { left: fmt(c.leftMs), over: fmt(c.overMs), used: fmt(c.usedMs), target: fmt(c.targetMs) });
  return `${c.status === 'overdue' ? '⚠ ' : ''}${translate(locale, `clockname.${c.name}`)}: ${state}`;
}

function clockLines(clocks: ClockView[], locale: Locale): string {
  return [...clocks]
    .sort((a, b) => CLOCK_ORDER[a.status] - CLOCK_ORDER[b.status])
    .map((c) => clockLine(c, locale))
    .join('\n');
}

const TONES: Record<TicketState, Tone> = {
  open: 'warning',
  claimed: 'info',
  pending_handoff: 'warning',
  waiting_on_customer: 'neutral',
  resolved: 'good',
  closed: 'neutral',
};

export function ticketCard(ticket: Ticket, org: OrgView, locale: Locale, clocks: ClockView[] = []): Card {
  const t = (code: string, params = {}) => translate(locale, code, params);
  const major = ticket.type === 'incident' && (ticket.incidentLevel ?? 4) <= 2 && ticket.state !== 'closed';
  const overdue = clocks.some((c) => c.status === 'overdue');
  const b = card(`${ticket.id} · ${ticket.title}`, major || overdue ? 'danger' : TONES[ticket.state]).subject(`ticket:${ticket.id}`, ticket.version);
  if (ticket.description) b.body(ticket.description);
  b.field(t('label.state'), t(`state.${ticket.state}`))
    .field(t('label.owner'), ticket.ownerId ? personName(org, ticket.ownerId) : t('label.unclaimed'))
    .field(t('label.department'), departmentName(org, ticket.departmentId, locale))
    .field(t('label.type'), t(`type.${ticket.type}`))
    .field(t('label.priority'), ticket.priority)
    .field(t('label.tier'), t(`tier.${ticket.tier}`));
  if (ticket.customer) b.field(t('label.customer'), ticket.customer);
  if (ticket.incidentLevel) b.field(t('label.level'), String(ticket.incidentLevel));
  if (ticket.escalation) {
    b.field(t('label.escalation'), `${t(`level.${ticket.escalation.level}`)} → ${personName(org, ticket.escalation.toPersonId)} (${ticket.escalation.reason})`, false);
  }
  if (ticket.pendingHandoff) {
    const h = ticket.pendingHandoff;
    b.field(t('label.handoff'), `${departmentName(org, h.fromDepartmentId, locale)} → ${departmentName(org, h.toDepartmentId, locale)}${h.note ? ` (${h.note})` : ''}`, false);
  }
  if (clocks.length) b.field(t('label.clocks'), clockLines(clocks, locale), false);
  b.context(t('label.created', { at: formatTime(ticket.createdAt), by: personName(org, ticket.createdBy) }));
  addActions(b, ticket, org, locale);
  return b.build();
}

function addActions(b: ReturnType<typeof card>, ticket: Ticket, org: OrgView, locale: Locale): void {
  const t = (code: string) => translate(locale, code);
  const id = { id: ticket.id };
  const can = (kind: Parameters<typeof canTransition>[1]) => canTransition(ticket.state, kind);
  if (ticket.state === 'open' || (ticket.state === 'claimed' && ticket.escalation?.toPersonId)) b.button('claim', t('button.claim'), id, { style: 'primary' });
  if (can('accept')) {
    b.button('accept', t('button.accept'), id, { style: 'primary' });
    b.input('reason', t('label.reason'));
    b.button('decline', t('button.decline'), id, { style: 'danger' });
    return;
  }
  if (can('resolve')) b.button('resolve', t('button.resolve'), id, { style: 'primary' });
  if (can('wait')) b.button('wait', t('button.wait'), id);
  if (can('resume')) b.button('resume', t('button.resume'), id);
  if (can('close')) b.button('close', t('button.close'), id);
  if (can('reopen')) b.button('reopen', t('button.reopen'), id);
  if (can('handoff')) {
    const options = org
      .departments()
      .filter((d) => d.id !== ticket.departmentId)
      .map((d) => ({ label: departmentName(org, d.id, locale), value: d.id }));
    if (options.length) b.select('handoff', 'department', t('label.handoff_to'), options, id);
  }
  if (can('assign')) {
    // Supervisors (and whoever a ticket was escalated to) reassign from the card.
    const staff = (org.members?.(ticket.departmentId) ?? org.people())
      .filter((p) => p.id !== ticket.ownerId && p.departmentId === ticket.departmentId && p.roles.some((r) => r === 'agent' || r === 'supervisor'))
      .map((p) => ({ label: p.name, value: p.id }));
    if (staff.length) b.select('assign', 'person', t('label.assign_to'), staff, id);
  }
  if (can('note')) {
    b.input('text', t('label.comment'));
    b.button('note', t('button.comment'), id);
  }
  if (can('escalate')) {
    // Escalating needs a reason: the card collects it in a text box.
    b.input('reason', t('label.reason'));
    b.button('escalate', t('button.escalate'), id);
  }
}
