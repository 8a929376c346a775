// What is left of a record once its retention period is over (POLICY.md §7):
// ids, dates, states, departments and numbers stay, so the statistics of past
// years still add up; names, free text and the customer go. Pure functions.
import type { Appeal } from '../accountability/appeal.types.js';
import type { Penalty } from '../accountability/penalty.types.js';
import type { Ticket, TimelineEvent } from '../tickets/ticket.types.js';

export const ANONYMISED = 'anonymised';
export const ANONYMISED_TITLE = '(anonymised)';

/** Timeline details that are structure, not words: department ids, levels, scores, classification changes. */
const KEPT_DETAILS: Partial<Record<TimelineEvent['kind'], string[]>> = {
  handoff: ['to'],
  accept: ['from', 'to'],
  decline: ['department'],
  escalate: ['level'],
  followup: ['score'],
  classify: ['type', 'priority', 'tier', 'complexity', 'incidentLevel'],
};

const person = (id: string | undefined) => (id === undefined ? undefined : id === 'system' ? 'system' : ANONYMISED);

function details(e: TimelineEvent): TimelineEvent['details'] {
  const kept: TimelineEvent['details'] = {};
  const keys = KEPT_DETAILS[e.kind] ?? [];
  for (const [k, v] of Object.entries(e.details ?? {})) {
    if (keys.includes(k) || typeof v === 'number' || typeof v === 'boolean') kept[k] = v;
  }
  return kept;
}

export type AnonymisedTicket = Ticket & { anonymisedAt: Date };

export function anonymiseTicket(t: Ticket, now: Date): AnonymisedTicket {
  const {
    description: _description,
    customer: _customer,
    customerId: _customerId,
    resolution: _resolution,
    pendingNotices: _pendingNotices,
    ...kept
  } = t as Ticket & { customerId?: string };
  return {
    ...kept,
    title: ANONYMISED_TITLE,
    createdBy: ANONYMISED,
    ...(t.ownerId ? { ownerId: ANONYMISED } : {}),
    ...(t.escalation ? { escalation: { level: t.escalation.level, reason: '', at: t.escalation.at } } : {}),
    ...(t.pendingHandoff ? { pendingHandoff: { ...t.pendingHandoff, requestedBy: ANONYMISED, note: undefined } } : {}),
    timeline: t.timeline.map((e) => ({
      at: e.at,
      actorId: person(e.actorId)!,
      kind: e.kind,
      ...(e.from ? { from: e.from } : {}),
      ...(e.to ? { to: e.to } : {}),
      details: details(e),
      source: { platform: e.source.platform, via: e.source.via },
    })),
    version: t.version + 1,
    anonymisedAt: now,
  };
}

/** The penalty's person goes; its key stays unique by taking the penalty id in the person's place. */
export function anonymisePenalty(p: Penalty): Penalty {
  return {
    ...p,
    key: `${p.ticketId}:${p.clock}:${new Date(p.clockStartedAt).toISOString()}:${ANONYMISED}:${p.id}`,
    personId: ANONYMISED,
    ...(p.jointWith ? { jointWith: ANONYMISED } : {}),
    history: p.history.map((h) => ({ at: h.at, event: h.event, grade: h.grade, by: person(h.by)! })),
  };
}

export function anonymiseAppeal(a: Appeal): Appeal {
  const { note: _note, ...kept } = a;
  return { ...kept, appellantId: ANONYMISED, reviewerId: ANONYMISED, reason: '' };
}

/** When a record closed at `closedAt` is due, kept `years` years (calendar years, UTC). */
export function dueAt(closedAt: Date, years: number): Date {
  const d = new Date(closedAt);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}
