// What happens when a clock reaches a milestone: who is told what, and what is
// recorded on the clock. Returns nothing when the milestone is stale (the
// clock moved on since the job was scheduled), so a late or repeated job is
// harmless.
import type { OrgView } from '../org/org.types.js';
import type { Recipient } from '../tickets/ticket.machine.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { recordMilestone, usedAt, type ClockState, type MilestoneKind } from './clock.js';
import type { ClockKeeper } from './clock-keeper.js';

export interface MilestoneNotice {
  to: Recipient;
  message: string;
  params: Record<string, string | number>;
  /** One notice per milestone per clock: a second run of the same job finds it already sent. */
  dedupeKey: string;
}

export interface MilestoneOutcome {
  ticket: Ticket;
  clock: ClockState;
  kind: MilestoneKind;
  notices: MilestoneNotice[];
  /** True when the clock reached its escalation point: the caller escalates the ticket one level. */
  escalate: boolean;
}

/** The queue that answers for a clock: the receiving department while a handoff waits, else the ticket's. */
function queueOf(ticket: Ticket, clock: ClockState): string {
  return clock.name === 'handoff_acceptance' && ticket.pendingHandoff ? ticket.pendingHandoff.toDepartmentId : ticket.departmentId;
}

function responsible(ticket: Ticket, clock: ClockState): Recipient {
  if (clock.name === 'handoff_acceptance' || !ticket.ownerId) return { departmentQueue: queueOf(ticket, clock) };
  return { person: ticket.ownerId };
}

function supervisorOf(ticket: Ticket, clock: ClockState, org: OrgView): Recipient | undefined {
  const dept = org.department(queueOf(ticket, clock));
  const owner = ticket.ownerId && clock.name !== 'handoff_acceptance' ? org.person(ticket.ownerId) : undefined;
  const id = owner?.supervisorId ?? dept?.leadId;
  return id ? { person: id } : undefined;
}

export function fireMilestone(
  ticket: Ticket,
  clockName: string,
  seq: number,
  now: Date,
  keeper: ClockKeeper,
  org: OrgView,
): MilestoneOutcome | undefined {
  const index = (ticket.clocks ?? []).findIndex((c) => c.name === clockName);
  const clock = index >= 0 ? ticket.clocks![index] : undefined;
  if (!clock || clock.status !== 'running' || !clock.next || clock.next.seq !== seq) return undefined;
  // Not due yet (a job that fired early): the caller reschedules.
  if (clock.next.at.getTime() > now.getTime()) return undefined;
  const kind = clock.next.kind;
  const calendar = keeper.calendarById(clock.calendarId);
  const used = usedAt(clock, now, calendar);
  const updated = recordMilestone(clock, kind, now, calendar, keeper.rules);
  const clocks = [...ticket.clocks!];
  clocks[index] = updated;
  const overdue = kind === 'breach' || kind === 'renag' || kind === 'escalate';
  const next: Ticket = { ...ticket, clocks, overdueSince: overdue ? (ticket.overdueSince ?? now) : ticket.overdueSince };

  const params = {
    ticketId: ticket.id,
    title: ticket.title,
    clock: clock.name,
    rule: clock.targetText,
    rule_zh: clock.targetTextZh ?? clock.targetText,
    target: clock.targetMs,
    left: Math.max(0, clock.targetMs - used),
    over: Math.max(0, used - clock.targetMs),
    n: updated.renags,
  };
  const key = (suffix: string) => `${ticket.id}:${clock.name}:${clock.startedAt.getTime()}:${suffix}`;
  const notices: MilestoneNotice[] = [];
  if (kind === 'reminder') notices.push({ to: responsible(ticket, clock), message: 'clock.reminder', params, dedupeKey: key('reminder') });
  if (kind === 'breach') {
    notices.push({ to: responsible(ticket, clock), message: 'clock.breach', params, dedupeKey: key('breach') });
    const sup = supervisorOf(ticket, clock, org);
    if (sup) notices.push({ to: sup, message: 'clock.breach_supervisor', params, dedupeKey: key('breach-supervisor') });
  }
  if (kind === 'renag') notices.push({ to: responsible(ticket, clock), message: 'clock.renag', params, dedupeKey: key(`renag-${updated.renags}`) });
  return { ticket: next, clock: updated, kind, notices, escalate: kind === 'escalate' };
}

/** Clears the overdue mark once no running clock is past its target any more. */
export function refreshOverdue(ticket: Ticket): Ticket {
  const stillOverdue = (ticket.clocks ?? []).some((c) => c.status !== 'stopped' && c.breachedAt);
  if (stillOverdue || !ticket.overdueSince) return ticket;
  return { ...ticket, overdueSince: undefined };
}
