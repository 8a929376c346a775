// What a milestone does (src/sla/milestone.ts): who is told (the department
// queue while unclaimed, the owner once claimed, the supervisor or lead on a
// breach, the receiving department for a handoff — POLICY.md §3–§4), what is
// recorded on the clock, and that a stale or repeated job is harmless.
import { describe, it, expect } from '@jest/globals';
import { CalendarRegistry } from '../../../src/sla/calendar/index.js';
import { ClockKeeper } from '../../../src/sla/clock-keeper.js';
import { fireMilestone, refreshOverdue, type MilestoneOutcome } from '../../../src/sla/milestone.js';
import { DEFAULT_POLICY } from '../../../src/sla/sla.policy.js';
import { Directory } from '../../../src/org/directory.js';
import { demoOrgData } from '../../../src/org/demo-org.js';
import { openTicket } from '../../../src/tickets/ticket.factory.js';
import { transition } from '../../../src/tickets/ticket.machine.js';
import type { OpenTicketInput, Ticket, TicketEvent } from '../../../src/tickets/ticket.types.js';
import { CONSOLE_SOURCE, deepFreeze } from '../../doubles/ticket.builder.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = new Date('2025-03-03T01:00:00Z');
const org = new Directory(demoOrgData());
const keeper = new ClockKeeper({ policy: DEFAULT_POLICY, calendars: new CalendarRegistry(), org });

function open(input: Partial<OpenTicketInput> = {}, number = 7): Ticket {
  const { ticket, effects } = openTicket(number, { title: 'Printer on fire', departmentId: 'support', type: 'inquiry', priority: 'P3', ...input }, { now: T0, actorId: 'grace.liu', source: CONSOLE_SOURCE });
  return keeper.apply(ticket, effects, T0);
}

function act(ticket: Ticket, event: TicketEvent, actorId: string, minutes = 1): Ticket {
  const now = new Date(T0.getTime() + minutes * MIN);
  const moved = transition(ticket, event, { now, actorId, source: CONSOLE_SOURCE });
  return keeper.apply(moved.ticket, moved.effects, now);
}

const clockOf = (t: Ticket, name: string) => t.clocks!.find((c) => c.name === name)!;

/** Fires the clock's next milestone exactly when it is due. */
function fireNext(t: Ticket, name: string): MilestoneOutcome {
  const next = clockOf(t, name).next!;
  const outcome = fireMilestone(t, name, next.seq, next.at, keeper, org);
  if (!outcome) throw new Error(`${name}: nothing fired`);
  return outcome;
}

/** Fires milestones until one of `kind` has fired; returns every outcome on the way. */
function fireUntil(t: Ticket, name: string, kind: string): MilestoneOutcome[] {
  const out: MilestoneOutcome[] = [];
  let current = t;
  for (let i = 0; i < 20; i++) {
    const o = fireNext(current, name);
    out.push(o);
    current = o.ticket;
    if (o.kind === kind) return out;
  }
  throw new Error(`no ${kind} milestone`);
}

const last = <T>(xs: T[]) => xs[xs.length - 1];
const recipients = (o: MilestoneOutcome) => o.notices.map((n) => [n.message, n.to]);

describe('who is told', () => {
  it('unclaimed: the reminder goes to the department queue, with the clock, the time left and the rule', () => {
    const t = open();
    const o = fireNext(t, 'resolution');
    expect(o.kind).toBe('reminder');
    expect(recipients(o)).toEqual([['clock.reminder', { departmentQueue: 'support' }]]);
    expect(o.notices[0].params).toEqual({
      ticketId: 'T-7',
      title: 'Printer on fire',
      clock: 'resolution',
      rule: 'resolution: simple → 24 h',
      rule_zh: '解决：简单 → 24小时',
      target: 24 * HOUR,
      left: 24 * HOUR * 0.2,
      over: 0,
      n: 0,
    });
    expect(o.escalate).toBe(false);
    expect(o.ticket.overdueSince).toBeUndefined();
    expect(o.clock.remindedAt).toEqual(clockOf(t, 'resolution').next!.at);
  });

  it('claimed: the reminder goes to the owner', () => {
    const o = fireNext(act(open(), { kind: 'claim' }, 'zhang.wei'), 'resolution');
    expect(recipients(o)).toEqual([['clock.reminder', { person: 'zhang.wei' }]]);
  });

  it('breach: the queue and the department lead when unclaimed; marks the ticket overdue', () => {
    const breach = last(fireUntil(open(), 'first_response', 'breach'));
    expect(recipients(breach)).toEqual([
      ['clock.breach', { departmentQueue: 'support' }],
      ['clock.breach_supervisor', { person: 'chen.jing' }],
    ]);
    expect(breach.ticket.overdueSince).toEqual(breach.clock.breachedAt);
    expect(breach.notices[0].params).toMatchObject({ clock: 'first_response', over: 0, left: 0, target: MIN });
  });

  it("breach: the owner and the owner's supervisor when claimed", () => {
    const cases: Array<[string, string, string]> = [
      ['support', 'zhang.wei', 'chen.jing'],
      ['support', 'chen.jing', 'li.qiang'],
      ['billing', 'zhao.min', 'david.kim'],
      ['billing', 'david.kim', 'emma.clark'],
    ];
    for (const [departmentId, owner, supervisor] of cases) {
      const breach = last(fireUntil(act(open({ departmentId }), { kind: 'claim' }, owner), 'resolution', 'breach'));
      expect([owner, recipients(breach)]).toEqual([owner, [
        ['clock.breach', { person: owner }],
        ['clock.breach_supervisor', { person: supervisor }],
      ]]);
    }
  });

  it('handoff acceptance belongs to the receiving department: its queue is reminded, its lead is told of the breach', () => {
    // Claimed by 张伟 in Customer Service, handed to Billing: neither 张伟 nor his supervisor 陈静 answer for it.
    const pending = act(act(open(), { kind: 'claim' }, 'zhang.wei'), { kind: 'handoff', toDepartmentId: 'billing', note: 'refund' }, 'zhang.wei', 2);
    expect(clockOf(pending, 'handoff_acceptance')).toMatchObject({ status: 'running', targetMs: 30 * MIN });
    const [reminder, breach] = fireUntil(pending, 'handoff_acceptance', 'breach');
    expect(recipients(reminder)).toEqual([['clock.reminder', { departmentQueue: 'billing' }]]);
    expect(recipients(breach)).toEqual([
      ['clock.breach', { departmentQueue: 'billing' }],
      ['clock.breach_supervisor', { person: 'david.kim' }],
    ]);
    // The resolution clock still answers to the owner in the sending department.
    expect(recipients(fireNext(pending, 'resolution'))).toEqual([['clock.reminder', { person: 'zhang.wei' }]]);
  });

  it('re-nags go to whoever is responsible, numbered; escalation tells nobody here (the clock service escalates)', () => {
    const outcomes = fireUntil(act(open(), { kind: 'claim' }, 'sam.taylor'), 'resolution', 'escalate');
    // 24 h target: eight re-nags every 30 min (4 h) run out long before escalation at 36 h.
    expect(outcomes.map((o) => o.kind)).toEqual(['reminder', 'breach', ...Array(8).fill('renag'), 'escalate']);
    const renags = outcomes.filter((o) => o.kind === 'renag');
    expect(renags.map((o) => [recipients(o), o.notices[0].params.n])).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [[['clock.renag', { person: 'sam.taylor' }]], n]),
    );
    expect(renags[1].notices[0].params.over).toBe(HOUR);
    expect(last(outcomes).clock.next).toBeUndefined();
    const escalate = last(outcomes);
    expect(escalate).toMatchObject({ escalate: true, notices: [] });
    expect(escalate.clock.escalatedAt).toBeDefined();
  });
});

describe('stale, early and repeated jobs', () => {
  it('a job scheduled from an older clock state, an early job, or a job for a stopped clock does nothing', () => {
    const t = open();
    const next = clockOf(t, 'resolution').next!;
    expect(fireMilestone(t, 'resolution', next.seq + 1, next.at, keeper, org)).toBeUndefined();
    expect(fireMilestone(t, 'resolution', next.seq, new Date(next.at.getTime() - 1), keeper, org)).toBeUndefined();
    expect(fireMilestone(t, 'no_such_clock', 0, next.at, keeper, org)).toBeUndefined();
    // After the reminder fired, the reminder's job is stale.
    const reminded = fireNext(t, 'resolution').ticket;
    expect(fireMilestone(reminded, 'resolution', next.seq, next.at, keeper, org)).toBeUndefined();
    // Paused and stopped clocks fire nothing, even for the seq they were at.
    const claimed = act(t, { kind: 'claim' }, 'zhang.wei');
    const waiting = act(claimed, { kind: 'wait' }, 'zhang.wei', 2);
    const seqBefore = clockOf(claimed, 'resolution').next!.seq;
    expect(fireMilestone(waiting, 'resolution', seqBefore, new Date(T0.getTime() + 48 * HOUR), keeper, org)).toBeUndefined();
    const fr = clockOf(t, 'first_response').next!;
    expect(fireMilestone(claimed, 'first_response', fr.seq, fr.at, keeper, org)).toBeUndefined();
  });

  it('does not change the ticket it was given', () => {
    const t = deepFreeze(open());
    expect(() => fireNext(t, 'resolution')).not.toThrow();
  });

  it('dedupe keys: one per milestone and recipient role, distinct across milestones, clocks and tickets', () => {
    const all = [
      ...fireUntil(open(), 'resolution', 'escalate'),
      ...fireUntil(open(), 'first_response', 'escalate'),
      ...fireUntil(open({}, 8), 'resolution', 'breach'),
    ];
    const keys = all.flatMap((o) => o.notices.map((n) => n.dedupeKey));
    expect(new Set(keys).size).toBe(keys.length);
    const startedAt = T0.getTime();
    expect(fireUntil(open(), 'resolution', 'escalate').flatMap((o) => o.notices.map((n) => n.dedupeKey))).toEqual([
      `T-7:resolution:${startedAt}:reminder`,
      `T-7:resolution:${startedAt}:breach`,
      `T-7:resolution:${startedAt}:breach-supervisor`,
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `T-7:resolution:${startedAt}:renag-${n}`),
    ]);
  });

  it('dedupe keys are stable: the same milestone run again, later, gives the same keys', () => {
    const t = fireNext(open(), 'resolution').ticket;
    const next = clockOf(t, 'resolution').next!;
    const first = fireMilestone(t, 'resolution', next.seq, next.at, keeper, org)!;
    const rerun = fireMilestone(t, 'resolution', next.seq, new Date(next.at.getTime() + 5 * MIN), keeper, org)!;
    expect(rerun.kind).toBe(first.kind);
    expect(rerun.notices.map((n) => [n.dedupeKey, n.to, n.message])).toEqual(first.notices.map((n) => [n.dedupeKey, n.to, n.message]));
  });

  it('a reopened resolution clock keeps its keys: a milestone already sent is not sent again under a new key', () => {
    const claimed = act(open(), { kind: 'claim' }, 'zhang.wei');
    const reminded = fireNext(claimed, 'resolution');
    const reopened = act(act(reminded.ticket, { kind: 'resolve' }, 'zhang.wei', 20 * 60), { kind: 'reopen' }, 'zhang.wei', 21 * 60);
    const breach = fireNext(reopened, 'resolution');
    expect(breach.kind).toBe('breach');
    expect(breach.notices[0].dedupeKey).toBe(`T-7:resolution:${T0.getTime()}:breach`);
  });
});

describe('refreshOverdue', () => {
  it('clears the overdue mark once no unstopped clock has breached; keeps it otherwise', () => {
    const breached = last(fireUntil(act(open(), { kind: 'claim' }, 'zhang.wei'), 'resolution', 'breach')).ticket;
    expect(breached.overdueSince).toBeDefined();
    expect(refreshOverdue(breached).overdueSince).toEqual(breached.overdueSince);
    const resolved = act(breached, { kind: 'resolve' }, 'zhang.wei', 30 * 60);
    expect(refreshOverdue(resolved).overdueSince).toBeUndefined();
    const waiting = act(breached, { kind: 'wait' }, 'zhang.wei', 30 * 60);
    expect(refreshOverdue(waiting).overdueSince).toEqual(breached.overdueSince);
  });
});
