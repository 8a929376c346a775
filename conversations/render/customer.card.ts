// Cards of the customer directory: the customer card (tier, aliases,
// contacts, open tickets, last contacts, satisfaction, trail), the choice
// offered when a name could mean several customers, the new-customer notice
// and the likely duplicates. Neutral cards: adapters escape the text.
import { card, type Card } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';
import type { OrgView, Person } from '../../src/org/org.types.js';
import type { Customer } from '../../src/customers/customer.types.js';
import type { DuplicatePair } from '../../src/customers/customer.duplicates.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import { translate } from '../messages/index.js';
import { formatTime, personName } from './names.js';

type T = (code: string, params?: Record<string, string | number | undefined>) => string;
const tr = (locale: Locale): T => (code, params = {}) => translate(locale, code, params);

/** Contacts and notes of a confidential customer are for managers, the director and admins only. */
function mayReadPrivate(viewer: Person | undefined, customer: Customer): boolean {
  if (!customer.confidential) return true;
  return !!viewer?.roles.some((r) => r === 'manager' || r === 'director' || r === 'admin');
}

const CONTACT_KINDS = ['open', 'contact', 'followup'] as const;

/** The latest times the customer was in touch: tickets opened, contacts logged, return visits. */
function lastContacts(tickets: Ticket[], org: OrgView, t: T, max = 5): string[] {
  const events = tickets.flatMap((ticket) =>
    ticket.timeline.filter((e) => (CONTACT_KINDS as readonly string[]).includes(e.kind)).map((e) => ({ ticket, e })),
  );
  return events
    .sort((a, b) => new Date(b.e.at).getTime() - new Date(a.e.at).getTime())
    .slice(0, max)
    .map(({ ticket, e }) => `${formatTime(e.at)} · ${t(`customer.contact.${e.kind}`, { ticket: ticket.id, score: e.details.score as number | undefined })} · ${personName(org, e.actorId)}`);
}

export interface CustomerCardFacts {
  customer: Customer;
  /** Open tickets the viewer may see. */
  open: Ticket[];
  /** Recent tickets (with timelines) the viewer may see. */
  recent: Ticket[];
  satisfaction: { average?: number; count: number };
  /** The id typed when it named a customer merged into this one. */
  mergedFrom?: string;
}

export function customerCard(facts: CustomerCardFacts, viewer: Person | undefined, org: OrgView, locale: Locale): Card {
  const t = tr(locale);
  const { customer } = facts;
  const b = card(`${customer.id} · ${customer.name}`, customer.tier === 'vip' ? 'info' : 'neutral').subject(`customer:${customer.id}`);
  b.field(t('label.tier'), t(`tier.${customer.tier}`));
  if (customer.aliases.length) b.field(t('customer.label.aliases'), customer.aliases.join(', '));
  if (mayReadPrivate(viewer, customer)) {
    if (customer.phones.length) b.field(t('customer.label.phones'), customer.phones.join(', '));
    if (customer.emails.length) b.field(t('customer.label.emails'), customer.emails.join(', '));
    if (customer.externalIds.length) b.field(t('customer.label.external'), customer.externalIds.map((e) => `${e.system}: ${e.id}`).join(', '));
    if (customer.notes) b.field(t('customer.label.notes'), customer.notes, false);
  } else {
    b.field(t('customer.label.contacts_hidden'), t('customer.hidden'), false);
  }
  if (customer.confidential) b.field(t('customer.label.confidential'), t('customer.confidential_yes'), false);
  const open = facts.open.map((x) => `${x.id} · ${x.title} · ${t(`state.${x.state}`)} · ${x.ownerId ? personName(org, x.ownerId) : t('label.unclaimed')}`);
  b.field(t('customer.label.open', { count: facts.open.length }), open.length ? open.join('\n') : t('customer.none'), false);
  const contacts = lastContacts(facts.recent, org, t);
  b.field(t('customer.label.contacts'), contacts.length ? contacts.join('\n') : t('customer.none'), false);
  const { average, count } = facts.satisfaction;
  b.field(t('customer.label.csat'), average !== undefined ? t('customer.csat', { average: average.toFixed(1), count }) : t('customer.csat_none'));
  const trail = customer.audit.filter((a) => a.kind !== 'created' && a.kind !== 'imported').slice(-5);
  if (trail.length) {
    const lines = trail.map((a) => `${formatTime(a.at)} · ${t(`customer.audit.${a.kind}`, { from: a.from, to: a.to, other: a.otherName, tickets: a.tickets ?? 0 })} · ${personName(org, a.by)}`);
    b.field(t('customer.label.history'), lines.join('\n'), false);
  }
  const made = customer.audit[0];
  b.context(
    [facts.mergedFrom ? t('customer.merged_note', { id: facts.mergedFrom }) : '', t('customer.label.created', { at: formatTime(customer.createdAt), by: personName(org, made?.by ?? customer.createdBy) })]
      .filter(Boolean)
      .join(' '),
  );
  for (const x of facts.open.slice(0, 3)) b.button('show', `${t('button.show')} ${x.id}`, { id: x.id });
  return b.build();
}

/** Nothing opened yet: the person picks the customer they meant (each button opens the parked request; the title rides along for the command's schema). */
export function customerChoiceCard(typed: string, title: string, candidates: Customer[], draftId: string, exact: boolean, locale: Locale): Card {
  const t = tr(locale);
  const b = card(t('customer.choose.title', { name: typed }), 'warning').body(t(exact ? 'customer.choose.body_exact' : 'customer.choose.body', { name: typed, title }));
  for (const c of candidates) {
    const also = c.aliases.length ? c.aliases.slice(0, 3).join(', ') : '';
    b.field(`${c.id} · ${c.name}`, [t(`tier.${c.tier}`), also].filter(Boolean).join(' · '));
    b.button('open', t('customer.choose.option', { id: c.id, name: c.name }), { draft: draftId, customerId: c.id, title }, { style: candidates.length === 1 ? 'primary' : undefined });
  }
  // A second active customer with the same normalised name cannot exist, so no "new" choice then.
  if (!exact) b.button('open', t('customer.choose.new', { name: typed }), { draft: draftId, newCustomer: 'true', title });
  return b.build();
}

/** Told to the opener when their ticket added a customer to the directory. */
export function newCustomerCard(customer: Customer, locale: Locale): Card {
  const t = tr(locale);
  return card(t('customer.new.title', { name: customer.name }), 'info')
    .subject(`customer:${customer.id}`)
    .body(t('customer.new.body', { name: customer.name, id: customer.id, tier: t(`tier.${customer.tier}`) }))
    .build();
}

export function duplicatesCard(pairs: DuplicatePair[], locale: Locale): Card {
  const t = tr(locale);
  const b = card(t('customer.duplicates.title'), 'warning');
  for (const p of pairs) {
    const signals = p.signals.map((s) => t(`customer.signal.${s.kind}`, { value: s.value })).join(', ');
    b.field(`${p.a.id} · ${p.a.name} ↔ ${p.b.id} · ${p.b.name}`, `${signals} (${Math.round(p.score * 100)} %)`, false);
  }
  for (const p of pairs.slice(0, 5)) {
    const names = { keep: p.a.id, drop: p.b.id };
    b.button('customer', t('customer.duplicates.merge_button', names), { op: 'merge', ...names }, { confirm: t('customer.duplicates.confirm', names) });
  }
  b.context(t('customer.duplicates.context'));
  return b.build();
}
