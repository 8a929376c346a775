// The ticket lifecycle as a typed transition table. `transition` is pure: it
// checks the event is allowed in the ticket's state, returns the new ticket
// (with its timeline event appended) and the effects to carry out — clocks to
// start or stop, people to tell. Nothing is saved here.
import { CodedError } from '../core/errors.js';
import type { ChangeSource, Ticket, TicketEvent, TicketEventKind, TicketState } from './ticket.types.js';

export const CLOCK_NAMES = [
  'first_response',
  'classification',
  'complaint_contact',
  'resolution',
  'handoff_acceptance',
  'department_opinion',
  'return_visit',
  'incident_response',
  'post_incident_review',
] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

export type Recipient =
  | { person: string }
  | { departmentQueue: string }
  | { group: 'emergency' };

export type Effect =
  | { kind: 'clock'; action: 'start' | 'stop'; clock: ClockName }
  | { kind: 'clock'; action: 'pause' | 'resume'; clock: 'all' }
  | { kind: 'notify'; to: Recipient; message: string; params: Record<string, string | number> }
  /** The ticket's tier changed under running clocks: they take the targets of the new tier. */
  | { kind: 'retarget' };

export interface TransitionContext {
  now: Date;
  actorId: string;
  source: ChangeSource;
}

export interface TransitionResult {
  ticket: Ticket;
  effects: Effect[];
}

type Rule<K extends TicketEvent['kind']> = {
  from: readonly TicketState[];
  apply: (t: Ticket, e: Extract<TicketEvent, { kind: K }>, ctx: TransitionContext) => { patch: Partial<Ticket>; effects: Effect[]; details?: TimelineDetails };
};
/** Facts for the timeline; undefined values are left out. */
type TimelineDetails = Record<string, string | number | boolean | undefined>;

const ACTIVE: readonly TicketState[] = ['open', 'claimed', 'pending_handoff', 'waiting_on_customer'];

const notify = (to: Recipient, message: string, t: Ticket, params: Record<string, string | number> = {}): Effect => ({
  kind: 'notify',
  to,
  message,
  params: { ticketId: t.id, title: t.title, ...params },
});
const clock = (action: 'start' | 'stop', name: ClockName): Effect => ({ kind: 'clock', action, clock: name });

export const TRANSITIONS: { [K in TicketEvent['kind']]: Rule<K> } = {
  claim: {
    from: ['open', 'claimed'],
    apply: (t, _e, ctx) => {
      if (t.state === 'claimed' && t.ownerId === ctx.actorId) throw new CodedError('ticket.already_yours', { id: t.id });
      // A claimed ticket can be taken over only by the person it was escalated to.
      if (t.state === 'claimed' && t.escalation?.toPersonId !== ctx.actorId)
        throw new CodedError('ticket.already_claimed', { id: t.id, owner: t.ownerId ?? '' });
      const effects: Effect[] = [clock('stop', 'first_response'), clock('stop', 'incident_response')];
      if (t.ownerId && t.ownerId !== ctx.actorId) effects.push(notify({ person: t.ownerId }, 'ticket.taken_over', t, { by: ctx.actorId }));
      return {
        patch: { state: 'claimed', ownerId: ctx.actorId, firstResponseAt: t.firstResponseAt ?? ctx.now, escalation: undefined },
        effects,
        details: { previousOwner: t.ownerId },
      };
    },
  },
  assign: {
    from: ['open', 'claimed'],
    apply: (t, e, ctx) => {
      if (t.ownerId === e.personId) throw new CodedError('ticket.already_owner', { id: t.id, person: e.personId });
      const effects: Effect[] = [clock('stop', 'first_response'), clock('stop', 'incident_response')];
      if (e.personId !== ctx.actorId) effects.push(notify({ person: e.personId }, 'ticket.assigned_to_you', t, { by: ctx.actorId }));
      if (t.ownerId && t.ownerId !== ctx.actorId) effects.push(notify({ person: t.ownerId }, 'ticket.reassigned', t, { to: e.personId }));
      return {
        patch: { state: 'claimed', ownerId: e.personId, firstResponseAt: t.firstResponseAt ?? ctx.now, escalation: undefined },
        effects,
        details: { assignee: e.personId, previousOwner: t.ownerId },
      };
    },
  },
  note: {
    from: [...ACTIVE, 'resolved'],
    apply: (_t, e) => ({ patch: {}, effects: [], details: { text: e.text } }),
  },
  wait: {
    from: ['open', 'claimed'],
    apply: (t) => ({ patch: { state: 'waiting_on_customer', resumeState: t.state as 'open' | 'claimed' }, effects: [{ kind: 'clock', action: 'pause', clock: 'all' }] }),
  },
  resume: {
    from: ['waiting_on_customer'],
    apply: (t) => ({ patch: { state: t.resumeState ?? (t.ownerId ? 'claimed' : 'open'), resumeState: undefined }, effects: [{ kind: 'clock', action: 'resume', clock: 'all' }] }),
  },
  resolve: {
    from: ['claimed', 'waiting_on_customer'],
    apply: (t, e, ctx) => {
      const effects: Effect[] = [];
      if (t.state === 'waiting_on_customer') effects.push({ kind: 'clock', action: 'resume', clock: 'all' });
      // Resolved: every clock stops (classification and contact included) and the return visit starts.
      for (const name of CLOCK_NAMES) if (name !== 'return_visit' && name !== 'post_incident_review') effects.push(clock('stop', name));
      effects.push(clock('start', 'return_visit'));
      if (t.createdBy !== ctx.actorId) effects.push(notify({ person: t.createdBy }, 'ticket.resolved_notice', t, { by: ctx.actorId }));
      return {
        patch: { state: 'resolved', resolvedAt: ctx.now, resolution: e.summary, resumeState: undefined },
        effects,
        details: { summary: e.summary },
      };
    },
  },
  close: {
    from: ['resolved'],
    apply: (t, _e, ctx) => {
      const effects: Effect[] = [];
      if (t.type === 'incident' && (t.incidentLevel === 1 || t.incidentLevel === 2)) effects.push(clock('start', 'post_incident_review'));
      return { patch: { state: 'closed', closedAt: ctx.now }, effects };
    },
  },
  reopen: {
    from: ['resolved', 'closed'],
    apply: (t, e, ctx) => {
      const effects: Effect[] = [clock('stop', 'return_visit'), clock('start', 'resolution')];
      if (t.ownerId && t.ownerId !== ctx.actorId) effects.push(notify({ person: t.ownerId }, 'ticket.reopened_notice', t, { by: ctx.actorId }));
      return {
        patch: { state: t.ownerId ? 'claimed' : 'open', resolvedAt: undefined, closedAt: undefined },
        effects,
        details: { reason: e.reason },
      };
    },
  },
  escalate: {
    from: ACTIVE,
    apply: (t, e, ctx) => {
      const effects: Effect[] = [];
      if (e.toPersonId) effects.push(notify({ person: e.toPersonId }, 'ticket.escalated_to_you', t, { by: ctx.actorId, reason: e.reason, level: e.level }));
      if (t.ownerId && t.ownerId !== ctx.actorId) effects.push(notify({ person: t.ownerId }, 'ticket.escalated_notice', t, { level: e.level, reason: e.reason }));
      return {
        patch: { escalation: { level: e.level, toPersonId: e.toPersonId, reason: e.reason, at: ctx.now } },
        effects,
        details: { reason: e.reason, level: e.level, to: e.toPersonId },
      };
    },
  },
  handoff: {
    from: ['open', 'claimed'],
    apply: (t, e, ctx) => {
      if (e.toDepartmentId === t.departmentId) throw new CodedError('ticket.handoff_same_department', { id: t.id });
      return {
        patch: {
          state: 'pending_handoff',
          pendingHandoff: {
            fromDepartmentId: t.departmentId,
            toDepartmentId: e.toDepartmentId,
            requestedBy: ctx.actorId,
            requestedAt: ctx.now,
            note: e.note,
            returnState: t.state as 'open' | 'claimed',
          },
        },
        effects: [clock('start', 'handoff_acceptance'), notify({ departmentQueue: e.toDepartmentId }, 'handoff.request', t, { from: t.departmentId, department: e.toDepartmentId, by: ctx.actorId, note: e.note ?? '' })],
        details: { to: e.toDepartmentId, note: e.note },
      };
    },
  },
  accept: {
    from: ['pending_handoff'],
    apply: (t, _e, ctx) => {
      const h = t.pendingHandoff!;
      return {
        // The owning department changes only here; the accepting person takes the ticket.
        patch: { state: 'claimed', departmentId: h.toDepartmentId, ownerId: ctx.actorId, pendingHandoff: undefined, escalation: undefined },
        effects: [clock('stop', 'handoff_acceptance'), notify({ person: h.requestedBy }, 'handoff.accepted', t, { by: ctx.actorId, department: h.toDepartmentId })],
        details: { from: h.fromDepartmentId, to: h.toDepartmentId },
      };
    },
  },
  decline: {
    from: ['pending_handoff'],
    apply: (t, e, ctx) => {
      const h = t.pendingHandoff!;
      return {
        patch: { state: h.returnState, pendingHandoff: undefined },
        effects: [
          clock('stop', 'handoff_acceptance'),
          notify({ person: h.requestedBy }, 'handoff.declined', t, { by: ctx.actorId, department: h.toDepartmentId, reason: e.reason }),
        ],
        details: { department: h.toDepartmentId, reason: e.reason },
      };
    },
  },
  followup: {
    from: ['resolved', 'closed'],
    apply: (_t, e) => ({
      // The return visit (回访): the customer's satisfaction score, which stops its clock.
      patch: { satisfaction: e.score },
      effects: [clock('stop', 'return_visit')],
      details: { score: e.score, comment: e.comment },
    }),
  },
  contact: {
    from: ACTIVE,
    apply: (t, e, ctx) => ({
      // Talking to the customer is also the first reply by staff.
      patch: { firstResponseAt: t.firstResponseAt ?? ctx.now },
      effects: [clock('stop', 'complaint_contact'), clock('stop', 'first_response')],
      details: { text: e.text },
    }),
  },
  classify: {
    from: ACTIVE,
    apply: (t, e) => {
      const changes = e.changes;
      const type = changes.type ?? t.type;
      if (changes.incidentLevel !== undefined && type !== 'incident') throw new CodedError('ticket.level_needs_incident');
      const details: TimelineDetails = {};
      for (const [k, v] of Object.entries(changes)) if (v !== undefined && v !== (t as unknown as Record<string, unknown>)[k]) details[k] = `${String((t as unknown as Record<string, unknown>)[k] ?? '')} → ${String(v)}`;
      // Targets of clocks already running stay as they started; classification itself is now done.
      return { patch: { ...changes, incidentLevel: type === 'incident' ? (changes.incidentLevel ?? t.incidentLevel ?? 3) : undefined }, effects: [clock('stop', 'classification')], details };
    },
  },
  review: {
    from: ['resolved', 'closed'],
    apply: (_t, e) => ({ patch: {}, effects: [clock('stop', 'post_incident_review')], details: { text: e.text } }),
  },
  customer: {
    // Any state: a merge relinks closed tickets too; only active ones change tier.
    from: [...ACTIVE, 'resolved', 'closed'],
    apply: (t, e) => {
      const retier = e.tier !== undefined && e.tier !== t.tier && ACTIVE.includes(t.state);
      const patch: Partial<Ticket> = { customerId: e.customerId, customer: e.customer, ...(retier ? { tier: e.tier } : {}) };
      const details: TimelineDetails = { reason: e.reason, customerId: e.customerId, customer: e.customer, mergedFrom: e.mergedFrom };
      if (retier) details.tier = `${t.tier} → ${e.tier}`;
      return { patch, effects: retier ? [{ kind: 'retarget' }] : [], details };
    },
  },
};

/** Whether an event is allowed in a state (used by cards to offer only buttons that can work). */
export function canTransition(state: TicketState, kind: TicketEvent['kind']): boolean {
  return TRANSITIONS[kind].from.includes(state);
}

export function transition(ticket: Ticket, event: TicketEvent, ctx: TransitionContext): TransitionResult {
  const rule = TRANSITIONS[event.kind] as Rule<typeof event.kind>;
  if (!rule.from.includes(ticket.state)) {
    throw new CodedError('ticket.wrong_state', { id: ticket.id, state: ticket.state, action: event.kind });
  }
  const { patch, effects, details } = rule.apply(ticket, event as never, ctx);
  const next: Ticket = { ...ticket, ...patch, updatedAt: ctx.now, version: ticket.version + 1 };
  next.timeline = [...ticket.timeline, timelineEvent(event.kind, ctx, ticket.state, next.state, details ?? {})];
  return { ticket: next, effects };
}

export function timelineEvent(
  kind: TicketEventKind,
  ctx: TransitionContext,
  from: TicketState | undefined,
  to: TicketState,
  details: TimelineDetails,
) {
  const kept: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(details)) if (v !== undefined) kept[k] = v;
  return { at: ctx.now, actorId: ctx.actorId, kind, from, to, details: kept, source: ctx.source };
}
