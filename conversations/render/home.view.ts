// A person's home view (the Slack Home tab, and any platform with a similar
// surface): their open tickets with the most urgent clock, their department's
// unclaimed queue with Claim buttons, and their penalties with appeal status.
// Built from the same queries as `/ticket list` and `/ticket penalties`.
import { card, type Card } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';
import type { Person } from '../../src/org/org.types.js';
import type { ClockView } from '../../src/sla/clock-view.js';
import type { Ticket, TicketState } from '../../src/tickets/ticket.types.js';
import type { CommandServices } from '../command-spec.js';
import { translate } from '../messages/index.js';
import { consequenceText } from './penalty.card.js';
import { departmentName, personName } from './names.js';
import { CLOCK_ORDER, clockLine } from './ticket.card.js';

const ACTIVE: TicketState[] = ['open', 'claimed', 'pending_handoff', 'waiting_on_customer'];
/** Rows per section: enough to act on, few enough for a tab that must render fast. */
const MAX_ROWS = 10;
const MAX_BUTTONS = 5;

/** The clock that needs attention first: overdue, then running with the least time left. */
function urgentClock(clocks: ClockView[], locale: Locale): string | undefined {
  const first = [...clocks].sort((a, b) => CLOCK_ORDER[a.status] - CLOCK_ORDER[b.status] || a.leftMs - b.leftMs)[0];
  if (!first || first.status === 'stopped' || first.status === 'late') return undefined;
  return clockLine(first, locale);
}

function ticketRow(services: CommandServices, ticket: Ticket, locale: Locale): { label: string; value: string } {
  const owner = ticket.ownerId ? personName(services.org, ticket.ownerId, locale) : translate(locale, 'label.unclaimed');
  const clock = urgentClock(services.clocksOf?.(ticket) ?? [], locale);
  const parts = [translate(locale, `state.${ticket.state}`), ticket.priority, owner, clock].filter((p): p is string => !!p);
  return { label: `${ticket.id} · ${ticket.title}`, value: parts.join(' · ') };
}

async function myTickets(services: CommandServices, person: Person, locale: Locale): Promise<Card> {
  const tickets = await services.tickets.list(person, { ownerId: person.id, states: ACTIVE, limit: MAX_ROWS });
  const overdue = tickets.some((t) => (services.clocksOf?.(t) ?? []).some((c) => c.status === 'overdue'));
  const b = card(`${translate(locale, 'home.mine')} (${tickets.length})`, overdue ? 'danger' : 'info').subject(`home:mine:${person.id}`);
  if (!tickets.length) b.body(translate(locale, 'home.none'));
  for (const t of tickets) {
    const row = ticketRow(services, t, locale);
    b.field(row.label, row.value, false);
  }
  for (const t of tickets.slice(0, MAX_BUTTONS)) b.button('show', `${translate(locale, 'button.show')} ${t.id}`, { id: t.id });
  return b.build();
}

async function unclaimedQueue(services: CommandServices, person: Person, locale: Locale): Promise<Card> {
  const departmentIds = person.departmentId ? [person.departmentId] : services.org.departments().map((d) => d.id);
  const tickets = await services.tickets.list(person, { departmentIds, states: ['open', 'pending_handoff'], unclaimed: true, limit: MAX_ROWS });
  const title = person.departmentId ? translate(locale, 'home.queue_of', { department: departmentName(services.org, person.departmentId, locale) }) : translate(locale, 'home.queue');
  const b = card(`${title} (${tickets.length})`, tickets.length ? 'warning' : 'good').subject(`home:queue:${person.departmentId ?? 'all'}`);
  if (!tickets.length) b.body(translate(locale, 'home.none'));
  for (const t of tickets) {
    const row = ticketRow(services, t, locale);
    b.field(row.label, row.value, false);
  }
  // Only open tickets can be claimed from here; a pending handoff is accepted on its own card.
  for (const t of tickets.filter((x) => x.state === 'open').slice(0, MAX_BUTTONS)) {
    b.button('claim', `${translate(locale, 'button.claim')} ${t.id}`, { id: t.id }, { style: 'primary' });
  }
  return b.build();
}

async function myPenalties(services: CommandServices, person: Person, locale: Locale): Promise<Card | undefined> {
  if (!services.ledger) return undefined;
  const rows = await services.ledger.forPeople([person.id], MAX_ROWS);
  const active = rows.filter((p) => p.status === 'active' || p.status === 'appealed');
  const b = card(`${translate(locale, 'home.penalties')} (${rows.length})`, active.length ? 'warning' : 'neutral').subject(`home:penalties:${person.id}`);
  if (!rows.length) b.body(translate(locale, 'reply.no_penalties'));
  for (const p of rows) {
    const status = translate(locale, `penalty.status.${p.status}`);
    b.field(`${p.id} · ${p.ticketId} · ${translate(locale, `clockname.${p.clock}`)}`, `${translate(locale, `grade.${p.grade}`)} · ${consequenceText(p, locale)} · ${status}`, false);
  }
  if (rows.some((p) => p.status === 'active')) b.context(translate(locale, 'home.appeal_hint'));
  return b.build();
}

/** The cards of a person's home view, most actionable first. */
export async function homeCards(services: CommandServices, person: Person, locale: Locale): Promise<Card[]> {
  const cards: Card[] = [await myTickets(services, person, locale), await unclaimedQueue(services, person, locale)];
  const penalties = await myPenalties(services, person, locale);
  if (penalties) cards.push(penalties);
  return cards;
}
