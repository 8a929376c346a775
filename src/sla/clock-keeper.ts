// Applies a ticket change's clock effects to the ticket's clocks, in the
// owning department's calendar, before the change is saved — so a ticket and
// its clocks are always saved together. Pure: no I/O.
import type { OrgView } from '../org/org.types.js';
import type { ClockName, Effect } from '../tickets/ticket.machine.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { pauseClock, resumeClock, startClock, stopClock, usedAt, type ClockState, type PauseReason, type ReminderRules } from './clock.js';
import { describeRule, targetFor, type SlaPolicy } from './sla.policy.js';
import type { WorkingCalendar } from './sla.types.js';

export interface CalendarSource {
  get(id: string): WorkingCalendar;
}

export class ClockKeeper {
  constructor(
    private readonly deps: { policy: SlaPolicy; calendars: CalendarSource; org: OrgView },
  ) {}

  get rules(): ReminderRules {
    return this.deps.policy.reminders;
  }

  get policy(): SlaPolicy {
    return this.deps.policy;
  }

  calendarOf(ticket: Pick<Ticket, 'departmentId'>): WorkingCalendar {
    const id = this.deps.org.department(ticket.departmentId)?.calendar ?? '24x7';
    return this.deps.calendars.get(id);
  }

  calendarById(id: string): WorkingCalendar {
    return this.deps.calendars.get(id);
  }

  /** The ticket with its clocks started, stopped, paused or resumed as the effects say. */
  apply(ticket: Ticket, effects: Effect[], now: Date): Ticket {
    let clocks = [...(ticket.clocks ?? [])];
    for (const effect of effects) {
      if (effect.kind !== 'clock') continue;
      if (effect.clock === 'all') {
        clocks = clocks.map((c) => this.pauseOrResume(c, effect.action as 'pause' | 'resume', 'customer', now));
        continue;
      }
      const name = effect.clock as ClockName;
      const index = clocks.findIndex((c) => c.name === name);
      const existing = index >= 0 ? clocks[index] : undefined;
      if (effect.action === 'start') {
        const started = existing ? this.restart(existing, ticket, now) : this.start(name, ticket, now);
        if (!started) continue;
        if (index >= 0) clocks[index] = started;
        else clocks.push(started);
      } else if (effect.action === 'stop' && existing) {
        clocks[index] = stopClock(existing, now, this.calendarById(existing.calendarId));
      }
    }
    return { ...ticket, clocks };
  }

  /** Pauses (outage start) or resumes (outage end) every clock of the ticket for an outage. */
  applyOutage(ticket: Ticket, phase: 'start' | 'end', now: Date): Ticket {
    const clocks = (ticket.clocks ?? []).map((c) => this.pauseOrResume(c, phase === 'start' ? 'pause' : 'resume', 'outage', now));
    return { ...ticket, clocks };
  }

  private pauseOrResume(clock: ClockState, action: 'pause' | 'resume', reason: PauseReason, now: Date): ClockState {
    const cal = this.calendarById(clock.calendarId);
    return action === 'pause' ? pauseClock(clock, reason, now, cal) : resumeClock(clock, reason, now, cal, this.rules);
  }

  private start(name: ClockName, ticket: Ticket, now: Date): ClockState | undefined {
    const match = targetFor(this.deps.policy, name, ticket);
    if (!match) return undefined;
    // The handoff-acceptance clock belongs to the receiving department, so it runs on that calendar.
    const receiving = name === 'handoff_acceptance' ? ticket.pendingHandoff?.toDepartmentId : undefined;
    const calendar = this.calendarOf(receiving ? { departmentId: receiving } : ticket);
    const rule = this.deps.policy.clocks[name].rules[match.ruleIndex];
    const clock = startClock(
      { name, target: match.target, ruleId: match.ruleId, targetText: match.ruleText, targetTextZh: describeRule(name, rule, 'zh-CN'), calendar },
      now,
      this.rules,
    );
    // A clock started while the ticket waits on the customer starts paused.
    return ticket.state === 'waiting_on_customer' ? pauseClock(clock, 'customer', now, calendar) : clock;
  }

  /** A stopped clock started again (a reopened ticket's resolution) carries on from the time it had used. */
  private restart(clock: ClockState, ticket: Ticket, now: Date): ClockState | undefined {
    if (clock.status !== 'stopped') return clock;
    // A new resolution owes a new return visit; other clocks carry on with the time they used.
    if (clock.name === 'return_visit' || clock.name === 'handoff_acceptance') return this.start(clock.name as ClockName, ticket, now);
    const calendar = this.calendarById(clock.calendarId);
    const fresh = this.start(clock.name as ClockName, ticket, now);
    if (!fresh) return undefined;
    const used = usedAt(clock, now, calendar);
    return resumeClock(
      { ...fresh, status: 'paused', pausedReasons: ['customer'], usedMs: used, startedAt: clock.startedAt, remindedAt: clock.remindedAt, breachedAt: clock.breachedAt, renags: clock.renags, escalatedAt: clock.escalatedAt, runningSince: undefined, seq: clock.seq + 1 },
      'customer',
      now,
      calendar,
      this.rules,
    );
  }
}
