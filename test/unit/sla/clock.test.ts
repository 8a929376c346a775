// The pure clock model (src/sla/clock.ts): milestones in order and on time in
// calendar and working time (a real cn-standard calendar across lunch, a
// weekend, a public holiday and a make-up working day), pauses that stack,
// resume carrying the remaining time, stop, the re-nag cap and escalation
// ordering.
import { describe, it, expect } from '@jest/globals';
import { CalendarRegistry } from '../../../src/sla/calendar/index.js';
import {
  nextMilestone,
  overrun,
  pauseClock,
  recordMilestone,
  resumeClock,
  startClock,
  stopClock,
  usedAt,
  type ClockState,
  type MilestoneKind,
  type ReminderRules,
} from '../../../src/sla/clock.js';
import { parseDuration } from '../../../src/sla/duration.js';
import { DEFAULT_POLICY } from '../../../src/sla/sla.policy.js';
import type { WorkingCalendar } from '../../../src/sla/sla.types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const registry = new CalendarRegistry();
const cn = registry.get('cn-standard');
const always = registry.get('24x7');
const RULES: ReminderRules = DEFAULT_POLICY.reminders;

/** Shanghai local time (UTC+8, no DST) as an instant. */
const sh = (local: string) => new Date(`${local}+08:00`);
/** An instant as Shanghai local time, `YYYY-MM-DD HH:MM`. */
const local = (at: Date) => new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

function start(target: string, basis: 'calendar' | 'working', calendar: WorkingCalendar, now: Date, rules = RULES, name = 'resolution'): ClockState {
  return startClock({ name, target: parseDuration(target, basis), ruleId: `${name}#1`, targetText: `${name} → ${target}`, calendar }, now, rules);
}

/** Fires every milestone exactly when it falls due, as the scheduler would, and lists them. */
function run(clock: ClockState, calendar: WorkingCalendar, rules = RULES, limit = 50): { milestones: Array<[MilestoneKind, string]>; at: Date[]; last: ClockState } {
  const milestones: Array<[MilestoneKind, string]> = [];
  const at: Date[] = [];
  let c = clock;
  for (let i = 0; i < limit && c.next; i++) {
    expect(c.next.seq).toBe(c.seq);
    milestones.push([c.next.kind, local(c.next.at)]);
    at.push(c.next.at);
    c = recordMilestone(c, c.next.kind, c.next.at, calendar, rules);
  }
  return { milestones, at, last: c };
}

describe('calendar-time clocks', () => {
  it('remind at 80 %, breach at 100 %, escalate at 150 %, re-nag every 30 min up to 8 times', () => {
    // complaint contact: 1 h calendar time, so escalation (90 min) and the first re-nag (60 + 30 min) coincide.
    const clock = start('1h', 'calendar', always, sh('2025-03-03T09:00'), RULES, 'complaint_contact');
    expect(clock).toMatchObject({ status: 'running', basis: 'calendar', targetMs: HOUR, usedMs: 0, renags: 0, seq: 0, pausedReasons: [] });
    const { milestones, last } = run(clock, always);
    expect(milestones).toEqual([
      ['reminder', '2025-03-03 09:48'],
      ['breach', '2025-03-03 10:00'],
      // Escalation and the first re-nag fall on the same instant: escalation comes first.
      ['escalate', '2025-03-03 10:30'],
      ['renag', '2025-03-03 10:30'],
      ['renag', '2025-03-03 11:00'],
      ['renag', '2025-03-03 11:30'],
      ['renag', '2025-03-03 12:00'],
      ['renag', '2025-03-03 12:30'],
      ['renag', '2025-03-03 13:00'],
      ['renag', '2025-03-03 13:30'],
      ['renag', '2025-03-03 14:00'],
    ]);
    expect(last.renags).toBe(8);
    expect(last.next).toBeUndefined();
    expect(last.escalatedAt).toEqual(sh('2025-03-03T10:30'));
    expect(last.remindedAt).toEqual(sh('2025-03-03T09:48'));
    expect(last.breachedAt).toEqual(sh('2025-03-03T10:00'));
  });

  it('counts nights and weekends even on an office calendar', () => {
    const clock = start('1h', 'calendar', cn, sh('2025-03-07T17:50'), RULES, 'complaint_contact');
    expect(run(clock, cn).milestones.slice(0, 3)).toEqual([
      ['reminder', '2025-03-07 18:38'],
      ['breach', '2025-03-07 18:50'],
      ['escalate', '2025-03-07 19:20'],
    ]);
    expect(usedAt(clock, sh('2025-03-10T09:00'), cn)).toBe(63 * HOUR + 10 * MIN);
  });

  it('escalates before re-nags run out, and after them when they come first', () => {
    // maxRenags 1 with a 10 min step on a 1 h target: the only re-nag (70 min) comes before escalation (90 min).
    const rules: ReminderRules = { ...RULES, renagEvery: parseDuration('10min', 'calendar'), maxRenags: 1 };
    expect(run(start('1h', 'calendar', always, sh('2025-03-03T09:00'), rules), always, rules).milestones).toEqual([
      ['reminder', '2025-03-03 09:48'],
      ['breach', '2025-03-03 10:00'],
      ['renag', '2025-03-03 10:10'],
      ['escalate', '2025-03-03 10:30'],
    ]);
    // No re-nags at all: breach, then escalation, then nothing.
    const none: ReminderRules = { ...RULES, maxRenags: 0 };
    const { milestones, last } = run(start('1h', 'calendar', always, sh('2025-03-03T09:00'), none), always, none);
    expect(milestones.map(([k]) => k)).toEqual(['reminder', 'breach', 'escalate']);
    expect(last.next).toBeUndefined();
  });

  it('with the fast test policy: 4 s target, reminder at 2 s, re-nags each second, escalation at 6 s', () => {
    const fast: ReminderRules = { at: 0.5, renagEvery: parseDuration('1 calendar seconds', 'working'), maxRenags: 2, escalateAt: 1.5 };
    const t0 = new Date('2025-03-03T00:00:00Z');
    const { at, milestones, last } = run(start('4s', 'working', always, t0, fast, 'first_response'), always, fast);
    expect(milestones.map(([k]) => k)).toEqual(['reminder', 'breach', 'renag', 'escalate', 'renag']);
    expect(at.map((d) => d.getTime() - t0.getTime())).toEqual([2000, 4000, 5000, 6000, 6000]);
    expect(last.renags).toBe(2);
  });
});

describe('working-time clocks on cn-standard (09:00–12:00, 13:00–18:00, Asia/Shanghai)', () => {
  it('skips the lunch break', () => {
    // 30 working min from Friday 11:50: 10 min before lunch, the rest after 13:00.
    const { milestones } = run(start('30min', 'working', cn, sh('2025-03-07T11:50'), RULES, 'first_response'), cn);
    expect(milestones.slice(0, 4)).toEqual([
      ['reminder', '2025-03-07 13:14'],
      ['breach', '2025-03-07 13:20'],
      ['escalate', '2025-03-07 13:35'],
      ['renag', '2025-03-07 13:50'],
    ]);
  });

  it('skips the weekend', () => {
    const { milestones } = run(start('30min', 'working', cn, sh('2025-03-07T17:50'), RULES, 'first_response'), cn);
    expect(milestones.slice(0, 5)).toEqual([
      ['reminder', '2025-03-10 09:14'],
      ['breach', '2025-03-10 09:20'],
      ['escalate', '2025-03-10 09:35'],
      ['renag', '2025-03-10 09:50'],
      ['renag', '2025-03-10 10:20'],
    ]);
  });

  it('skips public holidays and counts make-up working days (调休)', () => {
    // Labour Day 2025: 1–5 May off.
    expect(run(start('30min', 'working', cn, sh('2025-04-30T17:50')), cn).milestones[0]).toEqual(['reminder', '2025-05-06 09:14']);
    // National Day 2025: Sunday 28 September is a working day.
    expect(run(start('30min', 'working', cn, sh('2025-09-26T17:50')), cn).milestones[0]).toEqual(['reminder', '2025-09-28 09:14']);
  });

  it('a clock started outside working hours waits for the next working minute', () => {
    const clock = start('1h', 'working', cn, sh('2025-03-08T10:00'));
    expect(clock.next).toMatchObject({ kind: 'reminder', at: sh('2025-03-10T09:48') });
    expect(usedAt(clock, sh('2025-03-10T09:00'), cn)).toBe(0);
    expect(usedAt(clock, sh('2025-03-10T09:30'), cn)).toBe(30 * MIN);
  });

  it('"N working days" use the calendar\'s working-day length (8 h), not 24 h', () => {
    const clock = start('3 working days', 'working', cn, sh('2025-03-10T09:00'));
    expect(clock.targetMs).toBe(24 * HOUR);
    const { milestones } = run(clock, cn);
    // 80 % of 24 working hours = 19.2 h: Monday, Tuesday, then 3.2 h on Wednesday.
    expect(milestones.slice(0, 2)).toEqual([
      ['reminder', '2025-03-12 13:12'],
      ['breach', '2025-03-12 18:00'],
    ]);
    // On a 24x7 calendar a working day is 24 h.
    expect(start('3 working days', 'working', always, sh('2025-03-10T09:00')).targetMs).toBe(72 * HOUR);
  });

  it('re-nags count working time too (renagEvery is "30 working min"), even on a calendar-time clock', () => {
    // POLICY.md §3.3 and docs/policy.md: renagEvery counts working time unless it says "calendar".
    // Complaint contact (1 h calendar) opened Friday 16:40: breach 17:40, escalation (150 %, calendar) 18:10;
    // the first re-nag is 30 working minutes after the breach: 10 min on Friday + 20 min on Monday.
    const { milestones } = run(start('1h', 'calendar', cn, sh('2025-03-07T16:40'), RULES, 'complaint_contact'), cn);
    const renags = milestones.filter(([k]) => k === 'renag').map(([, at]) => at);
    expect(renags).toHaveLength(8);
    // No re-nag at night or at the weekend…
    expect(renags.filter((at) => !cn.isWorkingTime(sh(at.replace(' ', 'T'))))).toEqual([]);
    // …and exactly where 30 working minutes after the breach fall.
    expect(milestones.slice(0, 4)).toEqual([
      ['reminder', '2025-03-07 17:28'],
      ['breach', '2025-03-07 17:40'],
      ['escalate', '2025-03-07 18:10'],
      ['renag', '2025-03-10 09:10'],
    ]);
  });
});

describe('re-nag spacing', () => {
  const t0 = sh('2025-03-03T09:00');

  it('re-nags count from the nag actually sent: a late breach (after downtime) shifts them, without a burst', () => {
    let clock = start('1h', 'calendar', always, t0, RULES, 'complaint_contact');
    clock = recordMilestone(clock, 'reminder', sh('2025-03-03T09:48'), always, RULES);
    // The bot was down: the breach goes out at 11:05 instead of 10:00.
    clock = recordMilestone(clock, 'breach', sh('2025-03-03T11:05'), always, RULES);
    // Escalation (150 %, 10:30) is overdue too and comes first; the first re-nag is 30 min after the late breach.
    expect(clock.next).toMatchObject({ kind: 'escalate', at: sh('2025-03-03T10:30') });
    clock = recordMilestone(clock, 'escalate', sh('2025-03-03T11:05'), always, RULES);
    expect(clock.next).toMatchObject({ kind: 'renag', at: sh('2025-03-03T11:35') });
    clock = recordMilestone(clock, 'renag', sh('2025-03-03T11:36'), always, RULES);
    expect(clock.next).toMatchObject({ kind: 'renag', at: sh('2025-03-03T12:06') });
  });

  it('after a pause, re-nags count from the resume', () => {
    let clock = start('1h', 'calendar', always, t0, RULES, 'complaint_contact');
    clock = recordMilestone(clock, 'reminder', sh('2025-03-03T09:48'), always, RULES);
    clock = recordMilestone(clock, 'breach', sh('2025-03-03T10:00'), always, RULES);
    clock = pauseClock(clock, 'customer', sh('2025-03-03T10:10'), always);
    clock = resumeClock(clock, 'customer', sh('2025-03-03T15:00'), always, RULES);
    // Used 70 min: escalation at 90 min used is 15:20; the next re-nag 30 min after the resume, 15:30.
    expect(run(clock, always).milestones.slice(0, 3)).toEqual([
      ['escalate', '2025-03-03 15:20'],
      ['renag', '2025-03-03 15:30'],
      ['renag', '2025-03-03 16:00'],
    ]);
  });

  it('a re-nag interval that says "calendar" counts calendar time, even on a working-time clock', () => {
    const rules: ReminderRules = { ...RULES, renagEvery: parseDuration('20 calendar min', 'working') };
    // 30 working min from Friday 17:00: breach 17:30, then every 20 calendar minutes, past the end of the day.
    const { milestones } = run(start('30min', 'working', cn, sh('2025-03-07T17:00'), rules), cn, rules);
    expect(milestones.slice(1, 5)).toEqual([
      ['breach', '2025-03-07 17:30'],
      ['escalate', '2025-03-07 17:45'],
      ['renag', '2025-03-07 17:50'],
      ['renag', '2025-03-07 18:10'],
    ]);
  });
});

describe('pause, resume and stop', () => {
  const t0 = sh('2025-03-03T09:00');

  it('a paused clock has no next milestone and stops counting; resume carries the remaining time', () => {
    let clock = start('1h', 'calendar', always, t0);
    clock = pauseClock(clock, 'customer', new Date(t0.getTime() + 20 * MIN), always);
    expect(clock).toMatchObject({ status: 'paused', usedMs: 20 * MIN, pausedReasons: ['customer'], seq: 1 });
    expect(clock.next).toBeUndefined();
    expect(clock.runningSince).toBeUndefined();
    expect(nextMilestone(clock, always, RULES)).toBeUndefined();
    // Three hours on hold count for nothing.
    expect(usedAt(clock, new Date(t0.getTime() + 3 * HOUR), always)).toBe(20 * MIN);

    const resumedAt = new Date(t0.getTime() + 3 * HOUR);
    clock = resumeClock(clock, 'customer', resumedAt, always, RULES);
    expect(clock).toMatchObject({ status: 'running', usedMs: 20 * MIN, pausedReasons: [], runningSince: resumedAt, seq: 2 });
    // 80 % of 60 min = 48 min; 28 min are left after resuming.
    expect(clock.next).toEqual({ kind: 'reminder', at: new Date(resumedAt.getTime() + 28 * MIN), seq: 2 });
    const { milestones } = run(clock, always);
    expect(milestones.slice(0, 2)).toEqual([
      ['reminder', '2025-03-03 12:28'],
      ['breach', '2025-03-03 12:40'],
    ]);
  });

  it('resume in working time carries the remaining working time across the weekend', () => {
    // 30 working min started Friday 17:40, paused at 17:50 (10 min used), resumed Monday 10:00.
    let clock = start('30min', 'working', cn, sh('2025-03-07T17:40'));
    clock = pauseClock(clock, 'customer', sh('2025-03-07T17:50'), cn);
    expect(clock.usedMs).toBe(10 * MIN);
    clock = resumeClock(clock, 'customer', sh('2025-03-10T10:00'), cn, RULES);
    expect(clock.next).toMatchObject({ kind: 'reminder', at: sh('2025-03-10T10:14') });
    expect(run(clock, cn).milestones[1]).toEqual(['breach', '2025-03-10 10:20']);
  });

  it('customer and outage pauses stack: ending one keeps the clock paused', () => {
    let clock = start('1h', 'calendar', always, t0);
    clock = pauseClock(clock, 'customer', new Date(t0.getTime() + 10 * MIN), always);
    clock = pauseClock(clock, 'outage', new Date(t0.getTime() + 15 * MIN), always);
    expect(clock).toMatchObject({ status: 'paused', usedMs: 10 * MIN, pausedReasons: ['customer', 'outage'] });
    // The same reason twice changes nothing.
    expect(pauseClock(clock, 'outage', new Date(t0.getTime() + 16 * MIN), always)).toBe(clock);

    clock = resumeClock(clock, 'outage', new Date(t0.getTime() + 30 * MIN), always, RULES);
    expect(clock).toMatchObject({ status: 'paused', pausedReasons: ['customer'], usedMs: 10 * MIN });
    expect(clock.next).toBeUndefined();
    expect(usedAt(clock, new Date(t0.getTime() + 2 * HOUR), always)).toBe(10 * MIN);
    // Resuming a reason the clock is not paused for changes nothing.
    expect(resumeClock(clock, 'outage', new Date(t0.getTime() + 31 * MIN), always, RULES)).toBe(clock);

    const back = new Date(t0.getTime() + 2 * HOUR);
    clock = resumeClock(clock, 'customer', back, always, RULES);
    expect(clock).toMatchObject({ status: 'running', pausedReasons: [], usedMs: 10 * MIN, runningSince: back });
    expect(clock.next).toMatchObject({ kind: 'reminder', at: new Date(back.getTime() + 38 * MIN) });
  });

  it('outage first, then the customer wait: the same stacking in the other order', () => {
    let clock = start('1h', 'calendar', always, t0);
    clock = pauseClock(clock, 'outage', new Date(t0.getTime() + 5 * MIN), always);
    clock = pauseClock(clock, 'customer', new Date(t0.getTime() + 6 * MIN), always);
    clock = resumeClock(clock, 'customer', new Date(t0.getTime() + 7 * MIN), always, RULES);
    expect(clock).toMatchObject({ status: 'paused', pausedReasons: ['outage'], usedMs: 5 * MIN });
    clock = resumeClock(clock, 'outage', new Date(t0.getTime() + 60 * MIN), always, RULES);
    expect(clock).toMatchObject({ status: 'running', usedMs: 5 * MIN });
  });

  it('a milestone already recorded is not repeated after a pause', () => {
    let clock = start('1h', 'calendar', always, t0);
    clock = recordMilestone(clock, 'reminder', new Date(t0.getTime() + 48 * MIN), always, RULES);
    clock = pauseClock(clock, 'customer', new Date(t0.getTime() + 50 * MIN), always);
    clock = resumeClock(clock, 'customer', new Date(t0.getTime() + 90 * MIN), always, RULES);
    expect(clock.next).toMatchObject({ kind: 'breach', at: new Date(t0.getTime() + 100 * MIN) });
  });

  it('stop records the time used and ends the milestones; stopping twice changes nothing', () => {
    let clock = start('1h', 'calendar', always, t0);
    clock = pauseClock(clock, 'customer', new Date(t0.getTime() + 10 * MIN), always);
    clock = resumeClock(clock, 'customer', new Date(t0.getTime() + 40 * MIN), always, RULES);
    const stoppedAt = new Date(t0.getTime() + 95 * MIN);
    const stopped = stopClock(clock, stoppedAt, always);
    expect(stopped).toMatchObject({ status: 'stopped', usedMs: 65 * MIN, stoppedAt, seq: clock.seq + 1 });
    expect(stopped.next).toBeUndefined();
    expect(stopped.runningSince).toBeUndefined();
    expect(usedAt(stopped, new Date(t0.getTime() + 10 * HOUR), always)).toBe(65 * MIN);
    expect(overrun(stopped, new Date(t0.getTime() + 10 * HOUR), always)).toBeCloseTo(5 / 60, 10);
    expect(stopClock(stopped, new Date(t0.getTime() + 2 * HOUR), always)).toBe(stopped);
    // A stopped clock can be neither paused nor resumed.
    expect(pauseClock(stopped, 'customer', new Date(t0.getTime() + 2 * HOUR), always)).toBe(stopped);
    expect(resumeClock(stopped, 'customer', new Date(t0.getTime() + 2 * HOUR), always, RULES)).toBe(stopped);
  });

  it('stop while paused keeps the time used before the pause', () => {
    let clock = start('30min', 'working', cn, sh('2025-03-07T11:50'));
    clock = pauseClock(clock, 'outage', sh('2025-03-07T13:05'), cn);
    const stopped = stopClock(clock, sh('2025-03-10T12:00'), cn);
    expect(stopped.usedMs).toBe(15 * MIN);
  });

  it('every change bumps seq, so a job scheduled from an older state is recognisably stale', () => {
    let clock = start('1h', 'calendar', always, t0);
    const seqs = [clock.seq];
    clock = recordMilestone(clock, 'reminder', new Date(t0.getTime() + 48 * MIN), always, RULES);
    seqs.push(clock.seq);
    clock = pauseClock(clock, 'customer', new Date(t0.getTime() + 50 * MIN), always);
    seqs.push(clock.seq);
    clock = resumeClock(clock, 'customer', new Date(t0.getTime() + 55 * MIN), always, RULES);
    seqs.push(clock.seq);
    expect(clock.next?.seq).toBe(clock.seq);
    clock = stopClock(clock, new Date(t0.getTime() + 56 * MIN), always);
    seqs.push(clock.seq);
    expect(seqs).toEqual([0, 1, 2, 3, 4]);
  });
});
