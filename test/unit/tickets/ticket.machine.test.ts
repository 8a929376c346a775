// The ticket lifecycle table (POLICY.md §1–§3), pair by pair: every state ×
// every event (the twelve lifecycle events plus follow-up, contact, review, classify and the customer link). Allowed pairs give the documented next state and effects;
// disallowed pairs throw ticket.wrong_state and leave the input untouched.
import { describe, it, expect } from '@jest/globals';
import { CodedError } from '../../../src/core/errors.js';
import { transition, canTransition, TRANSITIONS, type Effect, type TransitionContext } from '../../../src/tickets/ticket.machine.js';
import { TICKET_STATES, type Ticket, type TicketEvent, type TicketState } from '../../../src/tickets/ticket.types.js';
import { buildTicket, deepFreeze, CONSOLE_SOURCE } from '../../doubles/ticket.builder.js';

type Kind = TicketEvent['kind'];
const NOW = new Date('2025-03-04T10:30:00Z');
const ACTOR = 'chen.jing';
const ctx = (actorId = ACTOR): TransitionContext => ({ now: NOW, actorId, source: CONSOLE_SOURCE });

const EVENTS: Record<Kind, TicketEvent> = {
  claim: { kind: 'claim' },
  assign: { kind: 'assign', personId: 'sam.taylor' },
  note: { kind: 'note', text: 'called the customer' },
  wait: { kind: 'wait' },
  resume: { kind: 'resume' },
  resolve: { kind: 'resolve', summary: 'replaced the toner' },
  close: { kind: 'close' },
  reopen: { kind: 'reopen', reason: 'still broken' },
  escalate: { kind: 'escalate', reason: 'customer angry', level: 'supervisor', toPersonId: 'li.qiang' },
  handoff: { kind: 'handoff', toDepartmentId: 'tech', note: 'hardware' },
  accept: { kind: 'accept' },
  decline: { kind: 'decline', reason: 'not ours' },
  followup: { kind: 'followup', score: 4, comment: 'happy enough' },
  contact: { kind: 'contact', text: 'phoned the customer' },
  review: { kind: 'review', text: 'https://wiki.example.com/review/7' },
  classify: { kind: 'classify', changes: { type: 'complaint', priority: 'P2' } },
  customer: { kind: 'customer', customerId: 'C-3', customer: 'ACME Ltd', tier: 'vip', reason: 'customer_tier' },
};

/** The documented table: for each event, the states it is allowed in and the state it leads to. */
const NEXT: Record<Kind, Partial<Record<TicketState, TicketState>>> = {
  claim: { open: 'claimed', claimed: 'claimed' },
  assign: { open: 'claimed', claimed: 'claimed' },
  note: { open: 'open', claimed: 'claimed', pending_handoff: 'pending_handoff', waiting_on_customer: 'waiting_on_customer', resolved: 'resolved' },
  wait: { open: 'waiting_on_customer', claimed: 'waiting_on_customer' },
  resume: { waiting_on_customer: 'claimed' },
  resolve: { claimed: 'resolved', waiting_on_customer: 'resolved' },
  close: { resolved: 'closed' },
  reopen: { resolved: 'claimed', closed: 'claimed' },
  escalate: { open: 'open', claimed: 'claimed', pending_handoff: 'pending_handoff', waiting_on_customer: 'waiting_on_customer' },
  handoff: { open: 'pending_handoff', claimed: 'pending_handoff' },
  accept: { pending_handoff: 'claimed' },
  decline: { pending_handoff: 'open' },
  followup: { resolved: 'resolved', closed: 'closed' },
  contact: { open: 'open', claimed: 'claimed', pending_handoff: 'pending_handoff', waiting_on_customer: 'waiting_on_customer' },
  review: { resolved: 'resolved', closed: 'closed' },
  classify: { open: 'open', claimed: 'claimed', pending_handoff: 'pending_handoff', waiting_on_customer: 'waiting_on_customer' },
  customer: { open: 'open', claimed: 'claimed', pending_handoff: 'pending_handoff', waiting_on_customer: 'waiting_on_customer', resolved: 'resolved', closed: 'closed' },
};

const clock = (action: string, name: string) => ({ kind: 'clock', action, clock: name });
const note = (to: object, message: string) => expect.objectContaining({ kind: 'notify', to, message });

/** The effects each allowed pair must produce (clock starts/stops and who is told). */
function expectedEffects(kind: Kind, from: TicketState, t: Ticket): unknown[] {
  switch (kind) {
    case 'claim': {
      const base: unknown[] = [clock('stop', 'first_response'), clock('stop', 'incident_response')];
      return t.ownerId && t.ownerId !== ACTOR ? [...base, note({ person: t.ownerId }, 'ticket.taken_over')] : base;
    }
    case 'assign': {
      const base: unknown[] = [clock('stop', 'first_response'), clock('stop', 'incident_response'), note({ person: 'sam.taylor' }, 'ticket.assigned_to_you')];
      return t.ownerId ? [...base, note({ person: t.ownerId }, 'ticket.reassigned')] : base;
    }
    case 'note':
      return [];
    case 'wait':
      return [{ kind: 'clock', action: 'pause', clock: 'all' }];
    case 'resume':
      return [{ kind: 'clock', action: 'resume', clock: 'all' }];
    case 'resolve':
      return [
        ...(from === 'waiting_on_customer' ? [{ kind: 'clock', action: 'resume', clock: 'all' }] : []),
        // Every clock but the return visit (and the post-incident review) stops.
        ...['first_response', 'classification', 'complaint_contact', 'resolution', 'handoff_acceptance', 'department_opinion', 'incident_response'].map((n) => clock('stop', n)),
        clock('start', 'return_visit'),
        note({ person: 'grace.liu' }, 'ticket.resolved_notice'),
      ];
    case 'close':
      return [];
    case 'reopen':
      return [clock('stop', 'return_visit'), clock('start', 'resolution'), note({ person: 'zhang.wei' }, 'ticket.reopened_notice')];
    case 'escalate':
      return [note({ person: 'li.qiang' }, 'ticket.escalated_to_you'), ...(t.ownerId ? [note({ person: t.ownerId }, 'ticket.escalated_notice')] : [])];
    case 'handoff':
      return [clock('start', 'handoff_acceptance'), note({ departmentQueue: 'tech' }, 'handoff.request')];
    case 'accept':
      return [clock('stop', 'handoff_acceptance'), note({ person: 'chen.jing' }, 'handoff.accepted')];
    case 'decline':
      return [clock('stop', 'handoff_acceptance'), expect.objectContaining({ kind: 'notify', to: { person: 'chen.jing' }, message: 'handoff.declined', params: expect.objectContaining({ reason: 'not ours' }) })];
    case 'followup':
      return [clock('stop', 'return_visit')];
    case 'contact':
      return [clock('stop', 'complaint_contact'), clock('stop', 'first_response')];
    case 'review':
      return [clock('stop', 'post_incident_review')];
    case 'classify':
      return [clock('stop', 'classification')];
    case 'customer':
      // Only active tickets change tier (and so their clocks' targets); closed ones are just relinked.
      return from === 'resolved' || from === 'closed' ? [] : [{ kind: 'retarget' }];
  }
}

/** The ticket each pair starts from (a claimed ticket is taken over only by the person it was escalated to). */
function startingTicket(state: TicketState, kind: Kind): Ticket {
  if (kind === 'claim' && state === 'claimed') return buildTicket({ state, escalation: { level: 'supervisor', toPersonId: ACTOR, reason: 'slow', at: NOW } });
  return buildTicket({ state });
}

const PAIRS = TICKET_STATES.flatMap((state) => (Object.keys(EVENTS) as Kind[]).map((kind) => [state, kind] as const));
const ALLOWED = PAIRS.filter(([state, kind]) => NEXT[kind][state] !== undefined);
const DISALLOWED = PAIRS.filter(([state, kind]) => NEXT[kind][state] === undefined);

describe('ticket.machine: the transition table', () => {
  it('covers every state × every event of the table (6 × 17)', () => {
    expect(TICKET_STATES).toHaveLength(6);
    // A new event in the table must get its row here too.
    expect(Object.keys(EVENTS).sort()).toEqual(Object.keys(TRANSITIONS).sort());
    expect(PAIRS).toHaveLength(6 * Object.keys(TRANSITIONS).length);
    expect(ALLOWED.length + DISALLOWED.length).toBe(PAIRS.length);
  });

  it.each(ALLOWED)('%s + %s → documented next state, effects and timeline event', (state, kind) => {
    const input = deepFreeze(startingTicket(state, kind));
    const before = structuredClone(input);
    const { ticket, effects } = transition(input, EVENTS[kind], ctx());
    expect(ticket.state).toBe(NEXT[kind][state]);
    expect(effects).toEqual(expectedEffects(kind, state, input));
    expect(ticket.version).toBe(input.version + 1);
    expect(ticket.updatedAt).toEqual(NOW);
    expect(ticket.timeline).toHaveLength(input.timeline.length + 1);
    expect(ticket.timeline.at(-1)).toMatchObject({ kind, from: state, to: ticket.state, actorId: ACTOR, at: NOW, source: CONSOLE_SOURCE });
    expect(input).toEqual(before);
    expect(canTransition(state, kind)).toBe(true);
  });

  it.each(DISALLOWED)('%s + %s → ticket.wrong_state, input untouched', (state, kind) => {
    const input = deepFreeze(startingTicket(state, kind));
    const before = structuredClone(input);
    let thrown: unknown;
    try {
      transition(input, EVENTS[kind], ctx());
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CodedError);
    expect(thrown).toMatchObject({ code: 'ticket.wrong_state', params: { id: 'T-7', state, action: kind } });
    expect(input).toEqual(before);
    expect(canTransition(state, kind)).toBe(false);
  });
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof CodedError ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

describe('ticket.machine: what each transition sets', () => {
  it('claim sets the owner and first response, and keeps the first first-response time', () => {
    const { ticket } = transition(buildTicket({ state: 'open' }), EVENTS.claim, ctx('sam.taylor'));
    expect(ticket).toMatchObject({ ownerId: 'sam.taylor', firstResponseAt: NOW });
    const earlier = new Date('2025-03-01T00:00:00Z');
    const again = transition(buildTicket({ state: 'open', firstResponseAt: earlier }), EVENTS.claim, ctx('sam.taylor'));
    expect(again.ticket.firstResponseAt).toEqual(earlier);
  });

  it('wait remembers the state to resume to; resume goes back there and clears it', () => {
    const waiting = transition(buildTicket({ state: 'open' }), EVENTS.wait, ctx()).ticket;
    expect(waiting).toMatchObject({ state: 'waiting_on_customer', resumeState: 'open' });
    const resumed = transition(waiting, EVENTS.resume, ctx()).ticket;
    expect(resumed.state).toBe('open');
    expect(resumed.resumeState).toBeUndefined();
  });

  it('resolve records when and the summary; close records when', () => {
    const resolved = transition(buildTicket({ state: 'claimed', resolvedAt: undefined, resolution: undefined }), EVENTS.resolve, ctx()).ticket;
    expect(resolved).toMatchObject({ resolvedAt: NOW, resolution: 'replaced the toner' });
    expect(transition(resolved, EVENTS.close, ctx()).ticket.closedAt).toEqual(NOW);
  });

  it('followup records the satisfaction score; contact counts as the first response', () => {
    expect(transition(buildTicket({ state: 'resolved' }), EVENTS.followup, ctx()).ticket.satisfaction).toBe(4);
    const contacted = transition(buildTicket({ state: 'open', type: 'complaint' }), EVENTS.contact, ctx()).ticket;
    expect(contacted.firstResponseAt).toEqual(NOW);
  });

  it('resolve by the opener tells nobody', () => {
    const { effects } = transition(buildTicket({ state: 'claimed', createdBy: ACTOR }), EVENTS.resolve, ctx());
    expect(effects.filter((e) => e.kind === 'notify')).toEqual([]);
  });

  it('reopen of an unowned ticket goes back to open and clears resolved/closed times', () => {
    const { ticket } = transition(buildTicket({ state: 'closed', ownerId: undefined }), EVENTS.reopen, ctx());
    expect(ticket.state).toBe('open');
    expect(ticket.resolvedAt).toBeUndefined();
    expect(ticket.closedAt).toBeUndefined();
  });

  it('closing a level 1–2 incident starts the post-incident review clock; level 3 does not', () => {
    const major = transition(buildTicket({ state: 'resolved', type: 'incident', incidentLevel: 1 }), EVENTS.close, ctx());
    expect(major.effects).toEqual([clock('start', 'post_incident_review')]);
    const minor = transition(buildTicket({ state: 'resolved', type: 'incident', incidentLevel: 3 }), EVENTS.close, ctx());
    expect(minor.effects).toEqual([]);
  });

  it('escalate records level, person and reason without changing the owner', () => {
    const { ticket } = transition(buildTicket({ state: 'claimed' }), EVENTS.escalate, ctx());
    expect(ticket.ownerId).toBe('zhang.wei');
    expect(ticket.escalation).toEqual({ level: 'supervisor', toPersonId: 'li.qiang', reason: 'customer angry', at: NOW });
  });

  it('handoff keeps the department and owner until accepted, and remembers where to return', () => {
    const { ticket } = transition(buildTicket({ state: 'claimed' }), EVENTS.handoff, ctx('zhang.wei'));
    expect(ticket).toMatchObject({ departmentId: 'support', ownerId: 'zhang.wei' });
    expect(ticket.pendingHandoff).toMatchObject({ fromDepartmentId: 'support', toDepartmentId: 'tech', requestedBy: 'zhang.wei', returnState: 'claimed', note: 'hardware' });
  });

  it('accept moves the ticket to the receiving department with the acceptor as owner', () => {
    const { ticket } = transition(buildTicket({ state: 'pending_handoff' }), EVENTS.accept, ctx('zhao.min'));
    expect(ticket).toMatchObject({ state: 'claimed', departmentId: 'billing', ownerId: 'zhao.min' });
    expect(ticket.pendingHandoff).toBeUndefined();
  });

  it('decline returns the ticket to the state and owner it had', () => {
    const start = buildTicket({ state: 'pending_handoff', ownerId: 'zhang.wei' });
    start.pendingHandoff = { ...start.pendingHandoff!, returnState: 'claimed' };
    const { ticket } = transition(start, EVENTS.decline, ctx('zhao.min'));
    expect(ticket).toMatchObject({ state: 'claimed', departmentId: 'support', ownerId: 'zhang.wei' });
    expect(ticket.pendingHandoff).toBeUndefined();
  });
});

describe('ticket.machine: claim, assign and handoff guards', () => {
  it('claiming your own claimed ticket: ticket.already_yours', () => {
    expect(codeOf(() => transition(buildTicket({ state: 'claimed' }), EVENTS.claim, ctx('zhang.wei')))).toBe('ticket.already_yours');
  });

  it("claiming someone else's claimed ticket: ticket.already_claimed naming the owner", () => {
    const input = deepFreeze(buildTicket({ state: 'claimed' }));
    let thrown: unknown;
    try {
      transition(input, EVENTS.claim, ctx('sam.taylor'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CodedError);
    expect(thrown).toMatchObject({ code: 'ticket.already_claimed', params: { id: 'T-7', owner: 'zhang.wei' } });
  });

  it('a claimed ticket escalated to someone else cannot be taken by a third person', () => {
    const t = buildTicket({ state: 'claimed', escalation: { level: 'supervisor', toPersonId: 'chen.jing', reason: 'slow', at: NOW } });
    expect(codeOf(() => transition(t, EVENTS.claim, ctx('sam.taylor')))).toBe('ticket.already_claimed');
  });

  it('the person it was escalated to takes it over: new owner, escalation cleared, previous owner told', () => {
    const t = buildTicket({ state: 'claimed', escalation: { level: 'supervisor', toPersonId: 'chen.jing', reason: 'slow', at: NOW } });
    const { ticket, effects } = transition(t, EVENTS.claim, ctx('chen.jing'));
    expect(ticket).toMatchObject({ state: 'claimed', ownerId: 'chen.jing' });
    expect(ticket.escalation).toBeUndefined();
    expect(ticket.timeline.at(-1)?.details).toEqual({ previousOwner: 'zhang.wei' });
    expect(effects).toContainEqual(expect.objectContaining({ kind: 'notify', to: { person: 'zhang.wei' }, message: 'ticket.taken_over' }));
  });

  it('assigning to the current owner: ticket.already_owner', () => {
    expect(codeOf(() => transition(buildTicket({ state: 'claimed' }), { kind: 'assign', personId: 'zhang.wei' }, ctx()))).toBe('ticket.already_owner');
  });

  it('assigning to yourself tells nobody "assigned to you"', () => {
    const { ticket, effects } = transition(buildTicket({ state: 'open' }), { kind: 'assign', personId: ACTOR }, ctx());
    expect(ticket.ownerId).toBe(ACTOR);
    expect(effects.filter((e): e is Extract<Effect, { kind: 'notify' }> => e.kind === 'notify').map((e) => e.message)).toEqual([]);
  });

  it('handing off to the department it is already in: ticket.handoff_same_department', () => {
    const input = deepFreeze(buildTicket({ state: 'claimed' }));
    const before = structuredClone(input);
    expect(codeOf(() => transition(input, { kind: 'handoff', toDepartmentId: 'support' }, ctx('zhang.wei')))).toBe('ticket.handoff_same_department');
    expect(input).toEqual(before);
  });
});
