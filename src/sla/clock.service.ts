// Runs the clocks: fires a due milestone (remind, breach, re-nag, escalate),
// declares outages, and sweeps for milestones missed while the bot was down.
// Every step is safe to run twice: stale milestones are ignored, saves carry a
// version precondition, and notices carry dedupe keys.
import type { Clock } from '../core/clock.js';
import type { OrgView } from '../org/org.types.js';
import type { TicketRepository } from '../tickets/ports.js';
import { nextEscalation } from '../tickets/escalation.js';
import { canTransition, transition } from '../tickets/ticket.machine.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { Notice } from '../notifications/notification.types.js';
import type { ClockKeeper } from './clock-keeper.js';
import { fireMilestone } from './milestone.js';
import { instantAtUsage } from './clock.js';

export interface ClockScheduler {
  /** Makes sure the next milestone of every running clock of the ticket will fire. */
  schedule(ticket: Ticket): Promise<void>;
  /** Re-grades the ticket's penalties at a moment a grade threshold is crossed. */
  regradeAt?(ticketId: string, at: Date): Promise<void>;
}

export interface NoticeSink {
  deliver(ticket: Ticket, notices: Notice[], actorId?: string): Promise<void>;
}

export interface DueClockQuery {
  /** Tickets with a running clock whose next milestone is at or before `now`. */
  dueClocks(now: Date, limit: number): Promise<Ticket[]>;
  /** Tickets with a running or paused clock (for outages), whatever their state. */
  ticketsWithClocks(): AsyncIterable<Ticket>;
  /** Tickets whose saved notices were not handed on yet. */
  withPendingNotices(limit: number): Promise<Ticket[]>;
  clearPendingNotices(ticketId: string, dedupeKeys: string[]): Promise<void>;
}

export type FireResult = 'fired' | 'stale' | 'not-due';

const MAX_ATTEMPTS = 5;

export class ClockService {
  constructor(
    private readonly deps: {
      tickets: TicketRepository & DueClockQuery;
      keeper: ClockKeeper;
      org: OrgView;
      clock: Clock;
      notices: NoticeSink;
      scheduler: ClockScheduler;
      onError?: (err: unknown, ticketId: string) => void;
      /** Runs after a milestone is saved (the penalty ledger); must not throw. */
      afterSave?: (ticket: Ticket) => Promise<void>;
    },
  ) {}

  /** Fires the milestone a job was scheduled for; `seq` identifies the clock state it was scheduled from. */
  async fire(ticketId: string, clockName: string, seq: number): Promise<FireResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ticket = await this.deps.tickets.get(ticketId);
      if (!ticket) return 'stale';
      const now = this.deps.clock.now();
      const clock = ticket.clocks?.find((c) => c.name === clockName);
      if (!clock?.next || clock.next.seq !== seq || clock.status !== 'running') return 'stale';
      if (clock.next.at.getTime() > now.getTime()) {
        await this.deps.scheduler.schedule(ticket);
        return 'not-due';
      }
      const outcome = fireMilestone(ticket, clockName, seq, now, this.deps.keeper, this.deps.org);
      if (!outcome) return 'stale';
      let next = outcome.ticket;
      const notices: Notice[] = [...outcome.notices];
      if (outcome.escalate) {
        const escalated = this.autoEscalate(next, clockName, now);
        if (escalated) {
          next = escalated.ticket;
          notices.push(...escalated.notices);
        }
      }
      // The notices are saved with the milestone (an outbox inside the ticket), so a lost race sends
      // nothing and a crash after the save loses nothing: the sweep delivers what is left.
      next = { ...next, version: ticket.version + 1, updatedAt: now, pendingNotices: [...(ticket.pendingNotices ?? []), ...notices] };
      if (await this.deps.tickets.replace(next, ticket.version)) {
        await this.flushNotices(next);
        await this.deps.scheduler.schedule(next);
        if (outcome.kind === 'breach') await this.scheduleRegrades(next, clockName);
        await this.deps.afterSave?.(next);
        return 'fired';
      }
    }
    return 'stale';
  }

  /** Escalation at 150 % of the target: one level up, by the system, recorded on the timeline. */
  private autoEscalate(ticket: Ticket, clockName: string, now: Date): { ticket: Ticket; notices: Notice[] } | undefined {
    // A resolved or closed ticket (return visit, post-incident review) is not escalated: its
    // supervisor is asked to follow up instead.
    if (!canTransition(ticket.state, 'escalate')) return { ticket, notices: this.followUpNotices(ticket, clockName) };
    let step;
    try {
      step = nextEscalation(ticket, this.deps.org);
    } catch {
      return undefined; // already at the top of the chain
    }
    const clock = ticket.clocks?.find((c) => c.name === clockName);
    const reason = `sla:${clockName}`;
    const result = transition(
      ticket,
      { kind: 'escalate', reason, level: step.level, toPersonId: step.toPersonId },
      { now, actorId: 'system', source: { platform: 'system', via: 'job' } },
    );
    const base = `${ticket.id}:${clockName}:${clock?.startedAt.getTime() ?? 0}:escalate`;
    const notices: Notice[] = result.effects.flatMap((e, i) =>
      e.kind === 'notify' ? [{ to: e.to, message: e.message, params: { ...e.params, clock: clockName }, dedupeKey: `${base}:${i}` }] : [],
    );
    return { ticket: { ...result.ticket, version: ticket.version }, notices };
  }

  private followUpNotices(ticket: Ticket, clockName: string): Notice[] {
    const clock = ticket.clocks?.find((c) => c.name === clockName);
    const dept = this.deps.org.department(ticket.departmentId);
    const owner = ticket.ownerId ? this.deps.org.person(ticket.ownerId) : undefined;
    const to = owner?.supervisorId ?? dept?.leadId;
    if (!to || !clock) return [];
    return [
      {
        to: { person: to },
        message: 'clock.follow_up',
        params: { ticketId: ticket.id, title: ticket.title, clock: clockName, rule: clock.targetText, rule_zh: clock.targetTextZh ?? clock.targetText },
        dedupeKey: `${ticket.id}:${clockName}:${clock.startedAt.getTime()}:follow-up`,
      },
    ];
  }

  /** A grade rises at fixed overruns (25 % and 100 % over by default): re-grade exactly then. */
  private async scheduleRegrades(ticket: Ticket, clockName: string): Promise<void> {
    const clock = ticket.clocks?.find((c) => c.name === clockName);
    if (!clock || !this.deps.scheduler.regradeAt) return;
    const calendar = this.deps.keeper.calendarById(clock.calendarId);
    const { minorUpTo, moderateUpTo } = this.deps.keeper.policy.grades;
    for (const over of [minorUpTo, moderateUpTo]) {
      // A moment just past the threshold, so the grade computed then is the higher one.
      const at = instantAtUsage(clock, clock.targetMs * (1 + over) + 1000, calendar);
      if (at) await this.deps.scheduler.regradeAt(ticket.id, at);
    }
  }

  /** Runs the ledger for a ticket now (a grade threshold passed while nobody touched it). */
  async regrade(ticketId: string): Promise<void> {
    const ticket = await this.deps.tickets.get(ticketId);
    if (ticket) await this.deps.afterSave?.(ticket);
  }

  /** Hands a ticket's saved notices to the notification store (deduped by key), then clears them. */
  async flushNotices(ticket: Ticket): Promise<void> {
    const pending = ticket.pendingNotices ?? [];
    if (!pending.length) return;
    await this.deps.notices.deliver(ticket, pending);
    await this.deps.tickets.clearPendingNotices(ticket.id, pending.map((n) => n.dedupeKey ?? ''));
  }

  /** Fires every milestone that is due (after a restart, or a lost job). Returns how many fired. */
  async sweep(limit = 500, progress?: () => Promise<void>): Promise<number> {
    for (const ticket of await this.deps.tickets.withPendingNotices(limit)) {
      try {
        await this.flushNotices(ticket);
      } catch (err) {
        this.deps.onError?.(err, ticket.id);
      }
    }
    const due = await this.deps.tickets.dueClocks(this.deps.clock.now(), limit);
    let fired = 0;
    for (const [i, ticket] of due.entries()) {
      if (progress && i % 50 === 49) await progress();
      for (const clock of ticket.clocks ?? []) {
        if (clock.status !== 'running' || !clock.next || clock.next.at.getTime() > this.deps.clock.now().getTime()) continue;
        try {
          if ((await this.fire(ticket.id, clock.name, clock.next.seq)) === 'fired') fired++;
        } catch (err) {
          // One broken ticket must not hold up every other clock.
          this.deps.onError?.(err, ticket.id);
        }
      }
    }
    return fired;
  }

  /** Declared outage: pauses (start) or resumes (end) every clock of every active ticket. */
  async outage(phase: 'start' | 'end'): Promise<number> {
    let changed = 0;
    for await (const listed of this.deps.tickets.ticketsWithClocks()) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const ticket = await this.deps.tickets.get(listed.id);
        if (!ticket?.clocks?.length) break;
        const now = this.deps.clock.now();
        const next = { ...this.deps.keeper.applyOutage(ticket, phase, now), version: ticket.version + 1 };
        if (await this.deps.tickets.replace(next, ticket.version)) {
          await this.deps.scheduler.schedule(next);
          changed++;
          break;
        }
      }
    }
    return changed;
  }
}
