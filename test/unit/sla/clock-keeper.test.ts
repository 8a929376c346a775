// The clock effects of ticket changes (src/sla/clock-keeper.ts) with
// DEFAULT_POLICY and the demo organisation, per POLICY.md §2: which clocks a
// change starts, stops, pauses or resumes, with which rule and calendar.
import { describe, it, expect } from '@jest/globals';
import { CalendarRegistry } from '../../../src/sla/calendar/index.js';
import { ClockKeeper } from '../../../src/sla/clock-keeper.js';
import { usedAt, type ClockState } from '../../../src/sla/clock.js';
import { DEFAULT_POLICY, type SlaPolicy } from '../../../src/sla/sla.policy.js';
import { Directory } from '../../../src/org/directory.js';
import { demoOrgData } from '../../../src/org/demo-org.js';
import { openTicket } from '../../../src/tickets/ticket.factory.js';
import { transition } from '../../../src/tickets/ticket.machine.js';
import type { OpenTicketInput, Ticket, TicketEvent } from '../../../src/tickets/ticket.types.js';
import { CONSOLE_SOURCE } from '../../doubles/ticket.builder.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = new Date('2025-03-03T01:00:00Z'); // Monday 09:00 in Shanghai
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

const org = new Directory(demoOrgData());
const calendars = new CalendarRegistry();
const keeperFor = (policy: SlaPolicy = DEFAULT_POLICY) => new ClockKeeper({ policy, calendars, org });
const keeper = keeperFor();

function open(input: Partial<OpenTicketInput> = {}, k = keeper): Ticket {
  const { ticket, effects } = openTicket(7, { title: 'Printer on fire', departmentId: 'support', type: 'inquiry', priority: 'P3', ...input }, { now: T0, actorId: 'grace.liu', source: CONSOLE_SOURCE });
  return k.apply(ticket, effects, T0);
}

function act(ticket: Ticket, event: TicketEvent, minutes: number, actorId = 'zhang.wei', k = keeper): Ticket {
  const now = at(minutes);
  const { ticket: moved, effects } = transition(ticket, event, { now, actorId, source: CONSOLE_SOURCE });
  return k.apply(moved, effects, now);
}

const clock = (t: Ticket, name: string): ClockState | undefined => t.clocks?.find((c) => c.name === name);
const must = (t: Ticket, name: string): ClockState => {
  const c = clock(t, name);
  if (!c) throw new Error(`${t.id} has no ${name} clock; it has ${(t.clocks ?? []).map((x) => x.name).join(', ')}`);
  return c;
};
const summary = (t: Ticket) => Object.fromEntries((t.clocks ?? []).map((c) => [c.name, c.status]));

describe('opening a ticket', () => {
  it('starts first response and resolution; classification only when type or priority is missing', () => {
    const t = open();
    expect(summary(t)).toEqual({ first_response: 'running', resolution: 'running' });
    expect(must(t, 'first_response')).toMatchObject({ ruleId: 'first_response#1', basis: 'working', targetMs: MIN, calendarId: '24x7', startedAt: T0, usedMs: 0 });
    expect(must(t, 'resolution')).toMatchObject({ ruleId: 'resolution#6', basis: 'calendar', targetMs: 24 * HOUR, targetText: 'resolution: simple → 24 h' });
    expect(must(t, 'resolution').targetTextZh).toBe('解决：简单 → 24小时');

    const unclassified = open({ type: undefined, priority: undefined });
    expect(must(unclassified, 'classification')).toMatchObject({ status: 'running', targetMs: 5 * MIN, basis: 'working' });
    expect(clock(open({ priority: undefined }), 'classification')?.status).toBe('running');
  });

  it('picks the first matching rule: phone VIP gets 15 min, a complex VIP 1.5 working days', () => {
    const t = open({ channel: 'phone', tier: 'vip', complexity: 'complex' });
    expect(must(t, 'first_response')).toMatchObject({ ruleId: 'first_response#2', targetMs: 15 * MIN });
    // Support works 24x7, so a working day there is 24 h.
    expect(must(t, 'resolution')).toMatchObject({ ruleId: 'resolution#3', targetMs: 36 * HOUR });
    // Billing works cn-standard: 8 h working days, and the clock says which calendar it counts in.
    const billing = open({ channel: 'phone', tier: 'vip', complexity: 'complex', departmentId: 'billing' });
    expect(must(billing, 'resolution')).toMatchObject({ calendarId: 'cn-standard', targetMs: 12 * HOUR });
  });

  it('a complaint starts complaint contact (1 h calendar time) and a complaint resolution target', () => {
    const t = open({ type: 'complaint' });
    expect(summary(t)).toEqual({ first_response: 'running', resolution: 'running', complaint_contact: 'running' });
    expect(must(t, 'complaint_contact')).toMatchObject({ ruleId: 'complaint_contact#1', basis: 'calendar', targetMs: HOUR });
    expect(must(t, 'resolution')).toMatchObject({ ruleId: 'resolution#2', targetMs: 24 * HOUR });
    expect(must(open({ type: 'complaint', tier: 'vip' }), 'resolution')).toMatchObject({ ruleId: 'resolution#1', targetMs: 12 * HOUR });
  });

  it('an incident starts incident response by level', () => {
    const level1 = open({ type: 'incident', incidentLevel: 1 });
    expect(must(level1, 'incident_response')).toMatchObject({ ruleId: 'incident_response#1', targetMs: 5 * MIN, basis: 'calendar' });
    expect(must(open({ type: 'incident', incidentLevel: 2 }), 'incident_response').targetMs).toBe(15 * MIN);
    expect(must(open({ type: 'incident', incidentLevel: 4 }), 'incident_response').targetMs).toBe(2 * HOUR);
    expect(clock(open({ type: 'request' }), 'incident_response')).toBeUndefined();
    expect(clock(open({ type: 'request' }), 'complaint_contact')).toBeUndefined();
  });

  it('a clock whose rules match nothing does not start', () => {
    const noClassification = keeperFor({ ...DEFAULT_POLICY, clocks: { ...DEFAULT_POLICY.clocks, classification: { basis: 'working', rules: [] } } });
    expect(clock(open({ type: undefined }, noClassification), 'classification')).toBeUndefined();
    const vipOnly = keeperFor({
      ...DEFAULT_POLICY,
      clocks: { ...DEFAULT_POLICY.clocks, first_response: { basis: 'working', rules: [{ when: { tier: 'vip' }, target: DEFAULT_POLICY.clocks.first_response.rules[1].target }] } },
    });
    expect(clock(open({ tier: 'standard' }, vipOnly), 'first_response')).toBeUndefined();
    expect(clock(open({ tier: 'vip' }, vipOnly), 'first_response')?.status).toBe('running');
  });
});

describe('changes of a ticket', () => {
  it('claim stops first response and incident response, with the time they used', () => {
    const t = act(open({ type: 'incident', incidentLevel: 1 }), { kind: 'claim' }, 3);
    expect(summary(t)).toEqual({ first_response: 'stopped', resolution: 'running', incident_response: 'stopped' });
    expect(must(t, 'incident_response')).toMatchObject({ usedMs: 3 * MIN, stoppedAt: at(3) });
    expect(must(t, 'first_response').usedMs).toBe(3 * MIN);
    expect(must(t, 'first_response').next).toBeUndefined();
  });

  it('wait pauses every running clock for the customer; resume resumes them with the time they had used', () => {
    const claimed = act(open({ type: 'complaint' }), { kind: 'claim' }, 1);
    const waiting = act(claimed, { kind: 'wait' }, 10);
    expect(summary(waiting)).toEqual({ first_response: 'stopped', resolution: 'paused', complaint_contact: 'paused' });
    for (const name of ['resolution', 'complaint_contact']) {
      expect(must(waiting, name)).toMatchObject({ pausedReasons: ['customer'], usedMs: 10 * MIN });
      expect(must(waiting, name).next).toBeUndefined();
    }
    // The stopped clock is left alone.
    expect(must(waiting, 'first_response')).toEqual(must(claimed, 'first_response'));

    const back = act(waiting, { kind: 'resume' }, 130);
    expect(summary(back)).toEqual({ first_response: 'stopped', resolution: 'running', complaint_contact: 'running' });
    expect(must(back, 'complaint_contact')).toMatchObject({ usedMs: 10 * MIN, runningSince: at(130), pausedReasons: [] });
    // 80 % of 1 h = 48 min, 38 min after resuming.
    expect(must(back, 'complaint_contact').next).toMatchObject({ kind: 'reminder', at: at(168) });
    expect(usedAt(must(back, 'resolution'), at(140), calendars.get('24x7'))).toBe(20 * MIN);
  });

  it('resolve stops resolution and complaint contact and starts the return visit', () => {
    const claimed = act(open({ type: 'complaint' }), { kind: 'claim' }, 1);
    const resolved = act(claimed, { kind: 'resolve', summary: 'refunded' }, 40);
    expect(summary(resolved)).toEqual({ first_response: 'stopped', resolution: 'stopped', complaint_contact: 'stopped', return_visit: 'running' });
    expect(must(resolved, 'resolution')).toMatchObject({ usedMs: 40 * MIN, stoppedAt: at(40) });
    expect(must(resolved, 'return_visit')).toMatchObject({ ruleId: 'return_visit#1', basis: 'calendar', targetMs: 24 * HOUR, startedAt: at(40) });
  });

  it('resolve straight from waiting on the customer stops what was paused, with the time used before the wait', () => {
    const waiting = act(act(open(), { kind: 'claim' }, 1), { kind: 'wait' }, 15);
    const resolved = act(waiting, { kind: 'resolve' }, 300);
    expect(must(resolved, 'resolution')).toMatchObject({ status: 'stopped', usedMs: 15 * MIN });
    expect(must(resolved, 'return_visit').status).toBe('running');
  });

  it('once resolved, no clock but the return visit keeps running (classification included)', () => {
    // Classification runs from "opened" to "type+priority set" (POLICY.md §2); a resolved ticket must not be nagged for it.
    const unclassified = open({ type: undefined, priority: undefined });
    const resolved = act(act(unclassified, { kind: 'claim' }, 1), { kind: 'resolve' }, 30);
    const closed = act(resolved, { kind: 'close' }, 31);
    const running = (t: Ticket) => (t.clocks ?? []).filter((c) => c.status !== 'stopped').map((c) => c.name);
    expect(running(resolved)).toEqual(['return_visit']);
    expect(running(closed)).toEqual(['return_visit']);
  });

  it('classify (type and priority set) stops the classification clock; other clocks keep their targets', () => {
    const unclassified = open({ type: undefined, priority: undefined });
    const classified = act(unclassified, { kind: 'classify', changes: { type: 'request', priority: 'P2' } }, 3, 'chen.jing');
    expect(summary(classified)).toEqual({ first_response: 'running', resolution: 'running', classification: 'stopped' });
    expect(must(classified, 'classification').usedMs).toBe(3 * MIN);
    expect(must(classified, 'resolution')).toEqual(must(unclassified, 'resolution'));
  });

  it('reopen resumes resolution with the time it had used and stops the return visit', () => {
    const resolved = act(act(open(), { kind: 'claim' }, 1), { kind: 'resolve' }, 60);
    const reopened = act(resolved, { kind: 'reopen', reason: 'still broken' }, 600);
    expect(summary(reopened)).toEqual({ first_response: 'stopped', resolution: 'running', return_visit: 'stopped' });
    const resolution = must(reopened, 'resolution');
    expect(resolution).toMatchObject({ usedMs: 60 * MIN, startedAt: T0, runningSince: at(600), pausedReasons: [] });
    expect(resolution.seq).toBeGreaterThan(must(resolved, 'resolution').seq);
    // 80 % of 24 h = 19.2 h; 18.2 h are left after the reopen.
    expect(resolution.next).toMatchObject({ kind: 'reminder', at: new Date(at(600).getTime() + 18.2 * HOUR), seq: resolution.seq });
    expect(must(reopened, 'return_visit')).toMatchObject({ usedMs: 540 * MIN });
  });

  it('reopen keeps what the resolution clock had already recorded (no second breach)', () => {
    const claimed = act(open(), { kind: 'claim' }, 1);
    const breachedAt = at(24 * 60);
    const breached = { ...claimed, clocks: claimed.clocks!.map((c) => (c.name === 'resolution' ? { ...c, remindedAt: at(1152), breachedAt } : c)) };
    const reopened = act(act(breached, { kind: 'resolve' }, 25 * 60), { kind: 'reopen' }, 26 * 60);
    expect(must(reopened, 'resolution')).toMatchObject({ breachedAt, status: 'running' });
    expect(must(reopened, 'resolution').next?.kind).not.toBe('breach');
  });

  it('closing a level 1–2 incident starts the post-incident review; level 3 has no rule, so no clock', () => {
    const close = (level: 1 | 2 | 3, departmentId = 'support') => {
      const claimer = departmentId === 'tech' ? 'raj.patel' : 'zhang.wei';
      const resolved = act(act(open({ type: 'incident', incidentLevel: level, departmentId }), { kind: 'claim' }, 1, claimer), { kind: 'resolve' }, 30, claimer);
      return act(resolved, { kind: 'close' }, 31, claimer);
    };
    expect(must(close(1), 'post_incident_review')).toMatchObject({ status: 'running', ruleId: 'post_incident_review#1', basis: 'working', targetMs: 72 * HOUR, startedAt: at(31) });
    expect(must(close(2), 'post_incident_review').status).toBe('running');
    // Technical Support counts cn-standard working days (8 h).
    expect(must(close(1, 'tech'), 'post_incident_review')).toMatchObject({ calendarId: 'cn-standard', targetMs: 24 * HOUR });
    expect(clock(close(3), 'post_incident_review')).toBeUndefined();
  });

  it('a note changes no clock', () => {
    const t = act(open({ type: 'complaint' }), { kind: 'claim' }, 1);
    expect(act(t, { kind: 'note', text: 'called -- no answer' }, 5).clocks).toEqual(t.clocks);
  });

  it('contact stops complaint contact and first response; review stops the post-incident review', () => {
    const contacted = act(open({ type: 'complaint' }), { kind: 'contact', text: 'called her' }, 20, 'chen.jing');
    expect(summary(contacted)).toEqual({ first_response: 'stopped', resolution: 'running', complaint_contact: 'stopped' });
    const closed = act(act(act(open({ type: 'incident', incidentLevel: 1 }), { kind: 'claim' }, 1), { kind: 'resolve' }, 2), { kind: 'close' }, 3);
    const reviewed = act(closed, { kind: 'review', text: 'https://wiki.example.com/r/7' }, 100);
    expect(must(reviewed, 'post_incident_review')).toMatchObject({ status: 'stopped', usedMs: 97 * MIN });
  });
});

describe('declared outages', () => {
  it('pause every running clock for the outage and resume them at its end', () => {
    const t = act(open({ type: 'complaint' }), { kind: 'claim' }, 1);
    const during = keeper.applyOutage(t, 'start', at(10));
    expect(summary(during)).toEqual({ first_response: 'stopped', resolution: 'paused', complaint_contact: 'paused' });
    expect(must(during, 'complaint_contact')).toMatchObject({ pausedReasons: ['outage'], usedMs: 10 * MIN });
    const after = keeper.applyOutage(during, 'end', at(70));
    expect(must(after, 'complaint_contact')).toMatchObject({ status: 'running', usedMs: 10 * MIN, runningSince: at(70) });
    expect(must(after, 'complaint_contact').next).toMatchObject({ kind: 'reminder', at: at(108) });
  });

  it('stack with waiting on the customer: whichever ends first, the clock runs only when both are over', () => {
    const claimed = act(open(), { kind: 'claim' }, 1);
    // Outage, then the customer wait; the outage ends first.
    let t = keeper.applyOutage(claimed, 'start', at(10));
    t = act(t, { kind: 'wait' }, 20);
    expect(must(t, 'resolution').pausedReasons).toEqual(['outage', 'customer']);
    t = keeper.applyOutage(t, 'end', at(30));
    expect(must(t, 'resolution')).toMatchObject({ status: 'paused', pausedReasons: ['customer'], usedMs: 10 * MIN });
    t = act(t, { kind: 'resume' }, 50);
    expect(must(t, 'resolution')).toMatchObject({ status: 'running', usedMs: 10 * MIN, runningSince: at(50) });

    // The customer wait, then an outage; the customer answers first.
    let u = act(claimed, { kind: 'wait' }, 10);
    u = keeper.applyOutage(u, 'start', at(20));
    u = act(u, { kind: 'resume' }, 30);
    expect(must(u, 'resolution')).toMatchObject({ status: 'paused', pausedReasons: ['outage'] });
    u = keeper.applyOutage(u, 'end', at(40));
    expect(must(u, 'resolution')).toMatchObject({ status: 'running', usedMs: 10 * MIN, runningSince: at(40) });
  });
});
