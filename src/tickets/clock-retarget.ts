// When a ticket's tier changes under running clocks (its customer became VIP,
// or stopped being one), each unstopped clock takes the target the policy now
// gives the ticket. Two rules keep this fair, for the customer and for staff:
// a clock that already breached keeps the target it breached against (a
// breach is evidence, and a tier change neither erases nor worsens it), and a
// tighter target never puts a clock past its reminder point retroactively —
// it keeps at least the last (1 − reminder) share of the new target from now.
// Pure: no I/O.
import { durationMs, nextMilestone, usedAt, type ClockState } from '../sla/clock.js';
import type { ClockKeeper } from '../sla/clock-keeper.js';
import { describeRule, targetFor } from '../sla/sla.policy.js';
import type { ClockName } from './ticket.machine.js';
import type { Ticket } from './ticket.types.js';

export interface Retargeted {
  ticket: Ticket;
  /** Names of the clocks whose target changed. */
  changed: string[];
}

export function retargetClocks(ticket: Ticket, keeper: ClockKeeper, now: Date): Retargeted {
  const changed: string[] = [];
  const clocks = (ticket.clocks ?? []).map((clock) => {
    const next = retargetOne(clock, ticket, keeper, now);
    if (next !== clock) changed.push(clock.name);
    return next;
  });
  return { ticket: { ...ticket, clocks }, changed };
}

function retargetOne(clock: ClockState, ticket: Ticket, keeper: ClockKeeper, now: Date): ClockState {
  if (clock.status === 'stopped' || clock.breachedAt) return clock;
  const name = clock.name as ClockName;
  const match = targetFor(keeper.policy, name, ticket);
  // A clock whose rule no longer matches keeps running as it started (no rule means "not started").
  if (!match || match.ruleId === clock.ruleId) return clock;
  const calendar = keeper.calendarById(clock.calendarId);
  const ruleTarget = durationMs(match.target, calendar);
  const used = usedAt(clock, now, calendar);
  const share = 1 - keeper.rules.at;
  const targetMs = used >= ruleTarget * keeper.rules.at ? Math.max(ruleTarget, Math.round(used + ruleTarget * share)) : ruleTarget;
  const rule = keeper.policy.clocks[name].rules[match.ruleIndex];
  // The basis stays the clock's own (time already used was measured in it); the default
  // policy's tier variants share their basis anyway.
  const updated: ClockState = {
    ...clock,
    targetMs,
    ruleId: match.ruleId,
    targetText: match.ruleText,
    targetTextZh: describeRule(name, rule, 'zh-CN'),
    // Time used so far stays as measured; a running clock restarts its segment now so the
    // milestones below are worked out from one consistent point.
    ...(clock.status === 'running' ? { usedMs: used, runningSince: now } : {}),
    seq: clock.seq + 1,
  };
  const milestone = nextMilestone(updated, calendar, keeper.rules);
  return { ...updated, next: milestone ? { ...milestone, seq: updated.seq } : undefined };
}
