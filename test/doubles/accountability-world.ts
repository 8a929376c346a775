// A small world for the accountability unit tests: the real ticket machine,
// clock keeper, default policy and calendars; a manual clock; in-memory
// tickets, ledger and notices; the accountability and appeal services on top.
// Also a second organisation, small enough to hold the edge cases the demo one
// lacks (a supervisor who is not the lead, a department with nobody on duty,
// a person with no supervisor, a tiny review group).
import { AccountabilityService } from '../../src/accountability/accountability.service.js';
import { AppealService } from '../../src/accountability/appeal.service.js';
import type { Penalty } from '../../src/accountability/penalty.types.js';
import { ManualClock } from '../../src/core/clock.js';
import { demoOrgData } from '../../src/org/demo-org.js';
import { Directory } from '../../src/org/directory.js';
import { toOrgData } from '../../src/org/org.loader.js';
import { parseOrgFile, type OrgFileInput } from '../../src/org/org.schema.js';
import { CalendarRegistry } from '../../src/sla/calendar/index.js';
import { recordMilestone, type ClockState } from '../../src/sla/clock.js';
import { ClockKeeper } from '../../src/sla/clock-keeper.js';
import { DEFAULT_POLICY, type SlaPolicy } from '../../src/sla/sla.policy.js';
import type { TicketQuery, TicketRepository } from '../../src/tickets/ports.js';
import { openTicket } from '../../src/tickets/ticket.factory.js';
import { transition } from '../../src/tickets/ticket.machine.js';
import type { OpenTicketInput, Ticket, TicketEvent } from '../../src/tickets/ticket.types.js';
import { copy, FakePenaltyRepository } from './fake-penalty-repository.js';
import { FakeNoticeSink } from './fake-notice-sink.js';
import { CONSOLE_SOURCE } from './ticket.builder.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
/** A Monday, 09:00 in Shanghai. */
export const T0 = new Date('2025-03-03T01:00:00Z');

/**
 * ops: lead olga (reports to manager mona), team lead tess (reports to olga), agents abe and ben (report to tess);
 * night: lead nina, nobody on duty; solo: sol, lead of his own department, no supervisor and no manager;
 * finance: on the cn-standard office calendar. Reviewers: rita and rob unless told otherwise.
 */
export function smallOrgInput(reviewers: string[] = ['rita', 'rob']): OrgFileInput {
  return {
    departments: [
      { id: 'ops', name: 'Operations', lead: 'olga', manager: 'mona', onDuty: ['olga', 'abe', 'ben'], calendar: '24x7' },
      { id: 'night', name: 'Night desk', lead: 'nina', manager: 'mona', onDuty: [], calendar: '24x7' },
      { id: 'solo', name: 'Solo desk', lead: 'sol', onDuty: ['sol'], calendar: '24x7' },
      { id: 'finance', name: 'Finance', lead: 'fay', manager: 'mona', onDuty: ['fay', 'fred'], calendar: 'cn-standard' },
    ],
    people: [
      { id: 'dora', name: 'Dora', roles: ['director'] },
      { id: 'adam', name: 'Adam', roles: ['admin'] },
      { id: 'mona', name: 'Mona', roles: ['manager', 'reviewer'], department: 'ops', supervisor: 'dora' },
      { id: 'olga', name: 'Olga', roles: ['supervisor', 'agent', 'reviewer'], department: 'ops', supervisor: 'mona' },
      { id: 'tess', name: 'Tess', roles: ['supervisor', 'agent', 'reviewer'], department: 'ops', supervisor: 'olga' },
      { id: 'abe', name: 'Abe', roles: ['agent', 'reviewer'], department: 'ops', supervisor: 'tess' },
      { id: 'ben', name: 'Ben', roles: ['agent', 'reviewer'], department: 'ops', supervisor: 'tess' },
      { id: 'nina', name: 'Nina', roles: ['supervisor', 'agent'], department: 'night', supervisor: 'mona' },
      { id: 'nick', name: 'Nick', roles: ['agent'], department: 'night', supervisor: 'nina' },
      { id: 'sol', name: 'Sol', roles: ['agent'], department: 'solo' },
      { id: 'fay', name: 'Fay', roles: ['supervisor', 'agent'], department: 'finance', supervisor: 'mona' },
      { id: 'fred', name: 'Fred', roles: ['agent'], department: 'finance', supervisor: 'fay' },
      { id: 'rita', name: 'Rita', roles: ['reviewer'] },
      { id: 'rob', name: 'Rob', roles: ['reviewer'] },
    ],
    groups: { reviewers, emergency: ['dora'] },
  };
}

export const smallOrg = (reviewers?: string[]) => new Directory(toOrgData(parseOrgFile(smallOrgInput(reviewers))));
export const demoOrg = () => new Directory(demoOrgData());

class MemoryTickets implements TicketRepository {
  readonly stored = new Map<string, Ticket>();
  async nextNumber() {
    return this.stored.size + 1;
  }
  async insert(t: Ticket) {
    this.stored.set(t.id, copy(t));
  }
  async get(id: string) {
    const t = this.stored.get(id);
    return t ? copy(t) : null;
  }
  async replace(t: Ticket, expectedVersion: number) {
    if (this.stored.get(t.id)?.version !== expectedVersion) return false;
    this.stored.set(t.id, copy(t));
    return true;
  }
  async list(_q: TicketQuery) {
    return [...this.stored.values()].map(copy);
  }
}

export interface WorldOptions {
  org?: Directory;
  start?: Date;
  policy?: SlaPolicy;
}

export function makeWorld(options: WorldOptions = {}) {
  const org = options.org ?? demoOrg();
  const clock = new ManualClock(options.start ?? T0);
  const keeper = new ClockKeeper({ policy: options.policy ?? DEFAULT_POLICY, calendars: new CalendarRegistry(), org });
  const penalties = new FakePenaltyRepository();
  const notices = new FakeNoticeSink(org);
  const tickets = new MemoryTickets();
  const accountability = new AccountabilityService({ penalties, keeper, org, clock, notices });
  /** Follow-ups the appeal service scheduled (reviewer reminder, escalation to the director). */
  const followUps: Array<{ appealId: string; kind: 'remind' | 'escalate'; at: Date }> = [];
  const scheduler = {
    async appealFollowUp(appealId: string, kind: 'remind' | 'escalate', at: Date) {
      followUps.push({ appealId, kind, at });
    },
  };
  const appeals = new AppealService({ penalties, tickets, keeper, org, clock, notices, scheduler });
  let number = 0;

  const save = (t: Ticket): Ticket => {
    tickets.stored.set(t.id, copy(t));
    return copy(t);
  };
  /** Opens a ticket now, with its clocks started by the keeper. */
  const open = (input: Partial<OpenTicketInput> = {}, actorId = 'grace.liu'): Ticket => {
    const made = openTicket(++number, { title: 'Printer on fire', departmentId: 'support', ...input }, { now: clock.now(), actorId, source: CONSOLE_SOURCE });
    return save(keeper.apply(made.ticket, made.effects, clock.now()));
  };
  /** Applies a ticket event now (the machine, then the clocks), as the ticket service would. */
  const act = (t: Ticket, event: TicketEvent, actorId: string): Ticket => {
    const moved = transition(t, event, { now: clock.now(), actorId, source: CONSOLE_SOURCE });
    return save(keeper.apply(moved.ticket, moved.effects, clock.now()));
  };
  const clockOf = (t: Ticket, name: string): ClockState => {
    const c = t.clocks?.find((x) => x.name === name);
    if (!c) throw new Error(`${t.id} has no ${name} clock`);
    return c;
  };
  /** Records the clock's milestones, each at its own instant, up to and including the breach (the clock service's job). */
  const breach = (t: Ticket, name: string): Ticket => {
    let c = clockOf(t, name);
    const cal = keeper.calendarById(c.calendarId);
    for (let i = 0; !c.breachedAt; i++) {
      if (!c.next || i > 5) throw new Error(`${t.id} ${name} cannot breach (status ${c.status})`);
      c = recordMilestone(c, c.next.kind, c.next.at, cal, keeper.rules);
    }
    return save({ ...t, clocks: t.clocks!.map((x) => (x.name === name ? c : x)) });
  };
  /** The instant the clock will have used `fraction` of its target (running clocks on a round-the-clock calendar). */
  const at = (t: Ticket, name: string, fraction: number): Date => {
    const c = clockOf(t, name);
    if (c.status !== 'running' || !c.runningSince) throw new Error(`${name} is not running`);
    return new Date(c.runningSince.getTime() + fraction * c.targetMs - c.usedMs);
  };
  const ledger = () => penalties.all().sort((a, b) => a.key.localeCompare(b.key));
  const penaltyOf = (personId: string, clockName?: string): Penalty | undefined =>
    penalties.all().find((p) => p.personId === personId && (!clockName || p.clock === clockName));

  return { org, clock, keeper, penalties, notices, tickets, accountability, appeals, followUps, open, act, save, breach, at, clockOf, ledger, penaltyOf };
}

export type World = ReturnType<typeof makeWorld>;

/** A penalty record as the accountability service would have made it (for appeal tests that start from a ledger). */
export function penaltyRecord(overrides: Partial<Penalty> & Pick<Penalty, 'id' | 'ticketId' | 'personId' | 'departmentId'>): Penalty {
  const createdAt = overrides.createdAt ?? T0;
  const grade = overrides.grade ?? 'moderate';
  return {
    key: `${overrides.ticketId}:resolution:${createdAt.getTime()}:${overrides.personId}`,
    clock: 'resolution',
    clockStartedAt: createdAt,
    role: 'owner',
    basis: 'owner',
    ruleId: 'resolution#6',
    ruleText: 'resolution: simple → 24 h',
    targetMs: 24 * HOUR,
    actualMs: 36 * HOUR,
    overrun: 0.5,
    grade,
    consequence: DEFAULT_POLICY.consequences[grade],
    status: 'active',
    counts: true,
    breachedAt: createdAt,
    history: [{ at: createdAt, event: 'recorded', grade, by: 'system' }],
    updatedAt: createdAt,
    ...overrides,
    createdAt,
  };
}
