// Use cases on tickets: authorise, transition, save atomically with a version
// precondition, then hand the effects on. Concurrent changes to one ticket are
// re-evaluated against the fresh state, so two racing claims give one owner and
// a clear answer to the other.
import type { Clock } from '../core/clock.js';
import { CodedError } from '../core/errors.js';
import type { OrgView, Person } from '../org/org.types.js';
import { nextEscalation } from './escalation.js';
import { authorise, canSee } from './ticket.authz.js';
import { checkOpenInput, openTicket } from './ticket.factory.js';
import { canTransition, transition, type Effect } from './ticket.machine.js';
import type { EffectSink, TicketQuery, TicketRepository } from './ports.js';
import type { ClockKeeper } from '../sla/clock-keeper.js';
import type { ClockScheduler } from '../sla/clock.service.js';
import { refreshOverdue } from '../sla/milestone.js';
import { retargetClocks } from './clock-retarget.js';
import type { ChangeSource, OpenTicketInput, Ticket, TicketEvent } from './ticket.types.js';

const MAX_ATTEMPTS = 5;

/** A change as commands ask for it; escalation levels are worked out here. */
export type TicketAction = Exclude<TicketEvent, { kind: 'escalate' }> | { kind: 'escalate'; reason: string };

export interface Outcome {
  ticket: Ticket;
  effects: Effect[];
}

export interface TicketServiceDeps {
  tickets: TicketRepository;
  org: OrgView;
  clock: Clock;
  effects: EffectSink;
  /** SLA clocks: started, stopped, paused and resumed with every change, and saved with it. */
  clocks?: { keeper: ClockKeeper; scheduler: ClockScheduler; outageActive: () => boolean };
  /** Runs after every saved change (the penalty ledger follows the clocks); must not throw. */
  afterSave?: (ticket: Ticket) => Promise<void>;
}

export class TicketService {
  constructor(private readonly deps: TicketServiceDeps) {}

  /** Anyone may open a ticket, linked or not; `openerId` is a person id or a platform handle. */
  async open(openerId: string, input: Omit<OpenTicketInput, 'departmentId'> & { departmentId?: string }, source: ChangeSource): Promise<Outcome> {
    const departmentId = input.departmentId ?? this.defaultDepartment(openerId);
    if (!this.deps.org.department(departmentId)) throw new CodedError('org.unknown_department', { department: departmentId });
    const now = this.deps.clock.now();
    checkOpenInput(input);
    const number = await this.deps.tickets.nextNumber();
    const opened = openTicket(number, { ...input, departmentId }, { now, actorId: openerId, source });
    const outcome = { ...opened, ticket: this.withClocks(opened.ticket, opened.effects, now) };
    await this.deps.tickets.insert(outcome.ticket);
    await this.deps.effects.apply(outcome.ticket, outcome.effects, openerId);
    await this.deps.clocks?.scheduler.schedule(outcome.ticket);
    await this.deps.afterSave?.(outcome.ticket);
    return outcome;
  }

  async act(actor: Person, ticketId: string, action: TicketAction, source: ChangeSource): Promise<Outcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.load(actor, ticketId);
      // A wrong state is the clearer answer ("T-1 is open, so it can't be accepted"), so it is checked first.
      if (!canTransition(current.state, action.kind)) throw new CodedError('ticket.wrong_state', { id: current.id, state: current.state, action: action.kind });
      const event = this.toEvent(current, action);
      authorise(actor, current, event, this.deps.org);
      if (event.kind === 'handoff') this.checkHandoffTarget(current, event.toDepartmentId);
      const now = this.deps.clock.now();
      const moved = transition(current, event, { now, actorId: actor.id, source });
      const outcome = { ...moved, ticket: this.withClocks(moved.ticket, moved.effects, now) };
      if (await this.deps.tickets.replace(outcome.ticket, current.version)) {
        await this.deps.effects.apply(outcome.ticket, outcome.effects, actor.id);
        await this.deps.clocks?.scheduler.schedule(outcome.ticket);
        await this.deps.afterSave?.(outcome.ticket);
        return outcome;
      }
      // Someone saved in between: decide again on the fresh ticket.
    }
    throw new CodedError('ticket.busy', { id: ticketId });
  }

  /**
   * The ticket follows a change of its customer (a tier change, a merge). The caller has
   * authorised the change on the customer; nothing changes when the ticket already matches.
   */
  async followCustomer(ticketId: string, event: Extract<TicketEvent, { kind: 'customer' }>, actorId: string, source: ChangeSource): Promise<Outcome | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.deps.tickets.get(ticketId);
      if (!current) return undefined;
      // Only active tickets change tier (those that may still be classified); closed ones are just relinked.
      const retier = event.tier !== undefined && event.tier !== current.tier && canTransition(current.state, 'classify');
      if (current.customerId === event.customerId && current.customer === event.customer && !retier) return undefined;
      const now = this.deps.clock.now();
      const moved = transition(current, event, { now, actorId, source });
      const outcome = { ...moved, ticket: this.withClocks(moved.ticket, moved.effects, now) };
      if (await this.deps.tickets.replace(outcome.ticket, current.version)) {
        await this.deps.effects.apply(outcome.ticket, outcome.effects, actorId);
        await this.deps.clocks?.scheduler.schedule(outcome.ticket);
        await this.deps.afterSave?.(outcome.ticket);
        return outcome;
      }
    }
    throw new CodedError('ticket.busy', { id: ticketId });
  }

  async show(actor: Person, ticketId: string): Promise<Ticket> {
    return this.load(actor, ticketId);
  }

  async list(actor: Person, query: TicketQuery): Promise<Ticket[]> {
    const tickets = await this.deps.tickets.list(query);
    return tickets.filter((t) => canSee(actor, t, this.deps.org));
  }

  private async load(actor: Person, ticketId: string): Promise<Ticket> {
    const ticket = await this.deps.tickets.get(ticketId);
    // A confidential ticket someone may not see looks exactly like a missing one.
    if (!ticket || !canSee(actor, ticket, this.deps.org)) throw new CodedError('ticket.not_found', { id: ticketId });
    return ticket;
  }

  private checkHandoffTarget(ticket: Ticket, departmentId: string): void {
    const others = this.deps.org.departments().filter((d) => d.id !== ticket.departmentId).map((d) => d.id).join(', ');
    if (!this.deps.org.department(departmentId)) throw new CodedError('org.unknown_department', { department: departmentId, known: others });
    if (departmentId === ticket.departmentId) throw new CodedError('ticket.handoff_same_department', { id: ticket.id, department: departmentId, known: others });
  }

  private withClocks(ticket: Ticket, effects: Outcome['effects'], now: Date): Ticket {
    const clocks = this.deps.clocks;
    if (!clocks) return ticket;
    let next = clocks.keeper.apply(ticket, effects, now);
    // Clocks started during a declared outage start paused, like every other clock.
    if (clocks.outageActive()) next = clocks.keeper.applyOutage(next, 'start', now);
    if (effects.some((e) => e.kind === 'retarget')) {
      const { ticket: retargeted, changed } = retargetClocks(next, clocks.keeper, now);
      // The timeline names the clocks whose targets moved with the tier.
      const last = retargeted.timeline.at(-1);
      if (last && changed.length) retargeted.timeline = [...retargeted.timeline.slice(0, -1), { ...last, details: { ...last.details, clocks: changed.join(', ') } }];
      next = retargeted;
    }
    return refreshOverdue(next);
  }

  private toEvent(ticket: Ticket, action: TicketAction): TicketEvent {
    if (action.kind !== 'escalate') return action;
    const step = nextEscalation(ticket, this.deps.org);
    return { kind: 'escalate', reason: action.reason, level: step.level, toPersonId: step.toPersonId };
  }

  private defaultDepartment(openerId: string): string {
    const person = this.deps.org.person(openerId);
    if (person?.departmentId) return person.departmentId;
    const first = this.deps.org.departments()[0];
    if (!first) throw new CodedError('org.no_departments');
    return first.id;
  }
}
