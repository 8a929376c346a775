// Clocks following a tier change (src/tickets/clock-retarget.ts) with the
// default policy: the new tier's targets apply to unstopped clocks; a clock
// that already breached keeps its target; a tighter target never puts a clock
// past its reminder point retroactively; paused clocks stay paused.
import { describe, it, expect } from '@jest/globals';
import { CalendarRegistry } from '../../../src/sla/calendar/index.js';
import { ClockKeeper } from '../../../src/sla/clock-keeper.js';
import { DEFAULT_POLICY } from '../../../src/sla/sla.policy.js';
import { Directory } from '../../../src/org/directory.js';
import { demoOrgData } from '../../../src/org/demo-org.js';
import { openTicket } from '../../../src/tickets/ticket.factory.js';
import { transition } from '../../../src/tickets/ticket.machine.js';
import { retargetClocks } from '../../../src/tickets/clock-retarget.js';
import type { Ticket, Tier } from '../../../src/tickets/ticket.types.js';
import { CONSOLE_SOURCE } from '../../doubles/ticket.builder.js';

const HOUR = 3600_000;
const T0 = new Date('2026-03-02T02:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const keeper = new ClockKeeper({ policy: DEFAULT_POLICY, calendars: new CalendarRegistry(), org: new Directory(demoOrgData()) });

function opened(tier: Tier): Ticket {
  // Support runs 24x7: calendar and working time are the same here.
  const { ticket, effects } = openTicket(1, { title: 'VPN slow', departmentId: 'support', type: 'inquiry', priority: 'P3', tier, channel: 'phone' }, { now: T0, actorId: 'grace.liu', source: CONSOLE_SOURCE });
  return keeper.apply(ticket, effects, T0);
}

function retier(ticket: Ticket, tier: Tier, now: Date) {
  const moved = transition(ticket, { kind: 'customer', customerId: 'C-1', customer: 'ACME', tier, reason: 'customer_tier' }, { now, actorId: 'li.qiang', source: CONSOLE_SOURCE });
  expect(moved.effects).toEqual([{ kind: 'retarget' }]);
  return retargetClocks(keeper.apply(moved.ticket, moved.effects, now), keeper, now);
}

const clock = (t: Ticket, name: string) => t.clocks!.find((c) => c.name === name)!;

describe('retargetClocks', () => {
  it('standard → VIP early on: the VIP targets, milestones from the start of the clock', () => {
    const { ticket, changed } = retier(opened('standard'), 'vip', at(1));
    expect(changed.sort()).toEqual(['first_response', 'resolution']);
    expect(clock(ticket, 'resolution')).toMatchObject({ targetMs: 12 * HOUR, ruleId: 'resolution#5', usedMs: HOUR, next: { kind: 'reminder', at: at(9.6) } });
    expect(clock(ticket, 'resolution').targetTextZh).toContain('重要客户');
    // First response: VIP's 15 min were used up long ago (nobody answered for an hour): 3 more minutes from now.
    expect(clock(ticket, 'first_response')).toMatchObject({ targetMs: HOUR + 0.2 * 0.25 * HOUR, ruleId: 'first_response#2' });
  });

  it('a tighter target already used up: the clock keeps the last 20 % of the new target from now', () => {
    const { ticket } = retier(opened('standard'), 'vip', at(20));
    // 20 h used; VIP is 12 h; so the target becomes 20 h + 2.4 h and the reminder is due at once.
    expect(clock(ticket, 'resolution')).toMatchObject({ targetMs: 22.4 * HOUR, usedMs: 20 * HOUR });
    expect(clock(ticket, 'resolution').next!.kind).toBe('reminder');
    expect(clock(ticket, 'resolution').next!.at.getTime()).toBeLessThanOrEqual(at(20).getTime());
  });

  it('VIP → standard: the longer target; a reminder already sent is not repeated', () => {
    const base = opened('vip');
    const res = clock(base, 'resolution');
    base.clocks = base.clocks!.map((c) => (c === res ? { ...c, remindedAt: at(9.6) } : c));
    const { ticket } = retier(base, 'standard', at(10));
    expect(clock(ticket, 'resolution')).toMatchObject({ targetMs: 24 * HOUR, remindedAt: at(9.6), next: { kind: 'breach', at: at(24) } });
  });

  it('a clock that already breached keeps the target it breached against', () => {
    const base = opened('vip');
    base.clocks = base.clocks!.map((c) => (c.name === 'resolution' ? { ...c, remindedAt: at(9.6), breachedAt: at(12) } : c));
    const { ticket, changed } = retier(base, 'standard', at(13));
    expect(changed).not.toContain('resolution');
    expect(clock(ticket, 'resolution')).toEqual(clock(base, 'resolution'));
  });

  it('a paused clock (waiting on the customer) takes the new target and stays paused', () => {
    const waiting = transition(opened('standard'), { kind: 'wait' }, { now: at(2), actorId: 'sam.taylor', source: CONSOLE_SOURCE });
    const paused = keeper.apply(waiting.ticket, waiting.effects, at(2));
    const { ticket } = retier(paused, 'vip', at(5));
    expect(clock(ticket, 'resolution')).toMatchObject({ status: 'paused', targetMs: 12 * HOUR, usedMs: 2 * HOUR, next: undefined });
  });

  it('stopped clocks and clocks whose rule does not change are left as they are', () => {
    const base = opened('standard');
    const stopped = keeper.apply(base, [{ kind: 'clock', action: 'stop', clock: 'resolution' }], at(1));
    const { ticket, changed } = retier(stopped, 'vip', at(2));
    expect(clock(ticket, 'resolution')).toEqual(clock(stopped, 'resolution'));
    expect(clock(ticket, 'classification')).toEqual(clock(stopped, 'classification'));
    expect(changed).toEqual(['first_response']);
  });
});
