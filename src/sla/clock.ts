// One SLA clock on a ticket, as pure functions: start, pause, resume, stop,
// how much time it has used, and when its next milestone (reminder at 80 %,
// breach at 100 %, re-nags, escalation at 150 %) falls due. Time is counted
// in the clock's basis: working time of the department calendar, or plain
// elapsed time. Paused time never counts.
import type { Duration, WorkingCalendar } from './sla.types.js';

export type ClockStatus = 'running' | 'paused' | 'stopped';
export type MilestoneKind = 'reminder' | 'breach' | 'renag' | 'escalate';
export type PauseReason = 'customer' | 'outage';

export interface ClockState {
  name: string;
  status: ClockStatus;
  basis: Duration['basis'];
  /** Target in ms of the clock's basis (working days already converted with the calendar). */
  targetMs: number;
  /** Human text of the target and the rule that set it, for messages ("resolution#2: complex, VIP → 1.5 working days"). */
  targetText: string;
  /** The same in Chinese. */
  targetTextZh?: string;
  ruleId: string;
  calendarId: string;
  startedAt: Date;
  /** Time used before the current running segment. */
  usedMs: number;
  /** Start of the current running segment (status running). */
  runningSince?: Date;
  pausedReasons: PauseReason[];
  stoppedAt?: Date;
  remindedAt?: Date;
  breachedAt?: Date;
  renags: number;
  escalatedAt?: Date;
  /** When the owner was last told it is overdue (breach or re-nag): re-nags count from here. */
  lastNagAt?: Date;
  /** The milestone the scheduler waits for; `seq` grows on every change so stale jobs can tell they are stale. */
  next?: { kind: MilestoneKind; at: Date; seq: number };
  seq: number;
}

export interface ReminderRules {
  at: number;
  renagEvery: Duration;
  maxRenags: number;
  escalateAt: number;
}

export function durationMs(d: Duration, calendar: WorkingCalendar): number {
  const days = (d as Duration & { workingDays?: number }).workingDays;
  return days !== undefined ? days * calendar.workingDayMs : d.ms;
}

function span(basis: Duration['basis'], calendar: WorkingCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  return basis === 'working' ? calendar.workingTimeBetween(from, to) : to.getTime() - from.getTime();
}

function advance(basis: Duration['basis'], calendar: WorkingCalendar, from: Date, ms: number): Date {
  if (ms <= 0) return from;
  return basis === 'working' ? calendar.addWorkingTime(from, ms) : new Date(from.getTime() + ms);
}

export function startClock(
  init: { name: string; target: Duration; ruleId: string; targetText: string; targetTextZh?: string; calendar: WorkingCalendar },
  now: Date,
  rules: ReminderRules,
): ClockState {
  const clock: ClockState = {
    name: init.name,
    status: 'running',
    basis: init.target.basis,
    targetMs: durationMs(init.target, init.calendar),
    targetText: init.targetText,
    targetTextZh: init.targetTextZh,
    ruleId: init.ruleId,
    calendarId: init.calendar.id,
    startedAt: now,
    usedMs: 0,
    runningSince: now,
    pausedReasons: [],
    renags: 0,
    seq: 0,
  };
  return withNext(clock, init.calendar, rules);
}

/** Time the clock has used up to `now`, in its basis. */
export function usedAt(clock: ClockState, now: Date, calendar: WorkingCalendar): number {
  if (clock.status !== 'running' || !clock.runningSince) return clock.usedMs;
  return clock.usedMs + span(clock.basis, calendar, clock.runningSince, now);
}

/** How far past its target the clock is (0.3 = 30 % over), never negative. */
export function overrun(clock: ClockState, now: Date, calendar: WorkingCalendar): number {
  return Math.max(0, usedAt(clock, now, calendar) / clock.targetMs - 1);
}

export function pauseClock(clock: ClockState, reason: PauseReason, now: Date, calendar: WorkingCalendar): ClockState {
  if (clock.status === 'stopped' || clock.pausedReasons.includes(reason)) return clock;
  const used = usedAt(clock, now, calendar);
  return { ...clock, status: 'paused', usedMs: used, runningSince: undefined, pausedReasons: [...clock.pausedReasons, reason], next: undefined, seq: clock.seq + 1 };
}

export function resumeClock(clock: ClockState, reason: PauseReason, now: Date, calendar: WorkingCalendar, rules: ReminderRules): ClockState {
  if (clock.status !== 'paused' || !clock.pausedReasons.includes(reason)) return clock;
  const reasons = clock.pausedReasons.filter((r) => r !== reason);
  // Still paused for another reason (a customer wait during an outage): stay paused.
  if (reasons.length) return { ...clock, pausedReasons: reasons, seq: clock.seq + 1 };
  return withNext({ ...clock, status: 'running', runningSince: now, pausedReasons: [], seq: clock.seq + 1 }, calendar, rules);
}

export function stopClock(clock: ClockState, now: Date, calendar: WorkingCalendar): ClockState {
  if (clock.status === 'stopped') return clock;
  return { ...clock, status: 'stopped', usedMs: usedAt(clock, now, calendar), runningSince: undefined, stoppedAt: now, next: undefined, seq: clock.seq + 1 };
}

/** The instant the clock will have used `ms` (only meaningful while running). */
function instantWhenUsed(clock: ClockState, ms: number, calendar: WorkingCalendar): Date {
  return advance(clock.basis, calendar, clock.runningSince!, ms - clock.usedMs);
}

/** The instant a running clock will have used `ms` (grade thresholds: 125 %, 200 % of the target). */
export function instantAtUsage(clock: ClockState, ms: number, calendar: WorkingCalendar): Date | undefined {
  if (clock.status !== 'running' || !clock.runningSince) return undefined;
  return instantWhenUsed(clock, ms, calendar);
}

/** The next milestone the clock has not reached yet, given what it has already recorded. */
export function nextMilestone(clock: ClockState, calendar: WorkingCalendar, rules: ReminderRules): { kind: MilestoneKind; at: Date } | undefined {
  if (clock.status !== 'running' || !clock.runningSince) return undefined;
  const t = clock.targetMs;
  if (!clock.remindedAt && !clock.breachedAt) return { kind: 'reminder', at: instantWhenUsed(clock, t * rules.at, calendar) };
  if (!clock.breachedAt) return { kind: 'breach', at: instantWhenUsed(clock, t, calendar) };
  const escalateAt = instantWhenUsed(clock, t * rules.escalateAt, calendar);
  // Re-nags count in their own basis ("every 30 working min") from the last nag, or from a resume.
  const lastNag = clock.lastNagAt ?? clock.breachedAt;
  const from = lastNag && lastNag > clock.runningSince ? lastNag : clock.runningSince;
  const renag = clock.renags < rules.maxRenags ? advance(rules.renagEvery.basis, calendar, from, durationMs(rules.renagEvery, calendar)) : undefined;
  if (!clock.escalatedAt && (!renag || escalateAt <= renag)) return { kind: 'escalate', at: escalateAt };
  return renag ? { kind: 'renag', at: renag } : undefined;
}

function withNext(clock: ClockState, calendar: WorkingCalendar, rules: ReminderRules): ClockState {
  const next = nextMilestone(clock, calendar, rules);
  return { ...clock, next: next ? { ...next, seq: clock.seq } : undefined };
}

/** Records that a milestone happened and works out the one after it. */
export function recordMilestone(clock: ClockState, kind: MilestoneKind, now: Date, calendar: WorkingCalendar, rules: ReminderRules): ClockState {
  const recorded: ClockState = { ...clock, seq: clock.seq + 1 };
  if (kind === 'reminder') recorded.remindedAt = now;
  if (kind === 'breach') recorded.breachedAt = recorded.lastNagAt = now;
  if (kind === 'renag') {
    recorded.renags = clock.renags + 1;
    recorded.lastNagAt = now;
  }
  if (kind === 'escalate') recorded.escalatedAt = now;
  return withNext(recorded, calendar, rules);
}
