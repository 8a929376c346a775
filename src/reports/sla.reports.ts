// What the clocks say: tickets overdue right now (by department and owner,
// with how far each overdue clock has run), and the share of clocks met per
// department, person and week. Pure functions over tickets already filtered
// to what the reader may see.
import type { ClockView } from '../sla/clock-view.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { weeksOf, weekStart, within, type DateRange } from './report.range.js';
import { groupBy, share } from './report.stats.js';

export interface OverdueClock {
  name: string;
  usedMs: number;
  targetMs: number;
  overMs: number;
  /** Used ÷ target (1.5 = half as long again as allowed): the length of the clock bar. */
  ratio: number;
}

export interface OverdueTicket {
  id: string;
  title: string;
  departmentId: string;
  ownerId: string | null;
  state: Ticket['state'];
  priority: Ticket['priority'];
  confidential: boolean;
  overdueSince: Date | null;
  clocks: OverdueClock[];
}

export interface OverdueReport {
  asOf: Date;
  total: number;
  departments: Array<{ departmentId: string; count: number; owners: Array<{ ownerId: string | null; tickets: OverdueTicket[] }> }>;
}

export function overdueReport(tickets: Ticket[], clocksOf: (t: Ticket) => ClockView[], now: Date): OverdueReport {
  const rows: OverdueTicket[] = [];
  for (const t of tickets) {
    const overdue = clocksOf(t).filter((c) => c.status === 'overdue' || (c.status === 'paused' && c.overMs > 0));
    if (!overdue.length && !t.overdueSince) continue;
    rows.push({
      id: t.id,
      title: t.title,
      departmentId: t.departmentId,
      ownerId: t.ownerId ?? null,
      state: t.state,
      priority: t.priority,
      confidential: t.confidential,
      overdueSince: t.overdueSince ?? null,
      clocks: overdue
        .map((c) => ({ name: c.name, usedMs: c.usedMs, targetMs: c.targetMs, overMs: c.overMs, ratio: Math.round((100 * c.usedMs) / Math.max(1, c.targetMs)) / 100 }))
        .sort((a, b) => b.ratio - a.ratio),
    });
  }
  // Worst first: the clock that has run longest past its target.
  const worst = (r: OverdueTicket) => r.clocks[0]?.ratio ?? 1;
  rows.sort((a, b) => worst(b) - worst(a) || a.id.localeCompare(b.id));
  const departments = [...groupBy(rows, (r) => r.departmentId)].map(([departmentId, list]) => ({
    departmentId,
    count: list.length,
    owners: [...groupBy(list, (r) => r.ownerId ?? '')].map(([ownerId, owned]) => ({ ownerId: ownerId || null, tickets: owned })),
  }));
  departments.sort((a, b) => b.count - a.count || a.departmentId.localeCompare(b.departmentId));
  return { asOf: now, total: rows.length, departments };
}

/** A clock's outcome inside the range: met when it stopped in time; missed when it stopped late or breached. */
interface ClockOutcome {
  departmentId: string;
  ownerId?: string;
  clock: string;
  at: Date;
  met: boolean;
}

export function clockOutcomes(tickets: Ticket[], range: DateRange): ClockOutcome[] {
  const out: ClockOutcome[] = [];
  for (const t of tickets) {
    for (const c of t.clocks ?? []) {
      const base = { departmentId: t.departmentId, ownerId: t.ownerId, clock: c.name };
      if (c.status === 'stopped' && c.stoppedAt && within(c.stoppedAt, range)) out.push({ ...base, at: new Date(c.stoppedAt), met: !c.breachedAt });
      // Still running but already past its target: missed, counted in the week it breached.
      else if (c.status !== 'stopped' && c.breachedAt && within(c.breachedAt, range)) out.push({ ...base, at: new Date(c.breachedAt), met: false });
    }
  }
  return out;
}

export interface ComplianceLine {
  met: number;
  finished: number;
  /** Percent met, one decimal; null when no clock finished. */
  share: number | null;
  /** Per week, in the order of `weeks`. */
  series: Array<number | null>;
}

export interface ComplianceReport {
  from: Date;
  to: Date;
  /** Mondays (UTC) of the weeks on the x axis. */
  weeks: string[];
  overall: ComplianceLine;
  departments: Array<ComplianceLine & { departmentId: string }>;
  people: Array<ComplianceLine & { personId: string; departmentId: string }>;
  clocks: Array<{ clock: string; met: number; finished: number; share: number | null }>;
}

function line(outcomes: ClockOutcome[], weeks: Date[]): ComplianceLine {
  const met = outcomes.filter((o) => o.met).length;
  const byWeek = groupBy(outcomes, (o) => weekStart(o.at).toISOString());
  const series = weeks.map((w) => {
    const list = byWeek.get(w.toISOString()) ?? [];
    return share(list.filter((o) => o.met).length, list.length);
  });
  return { met, finished: outcomes.length, share: share(met, outcomes.length), series };
}

/** `mayReadPerson` keeps per-person lines to the people whose numbers the reader may see. */
export function complianceReport(tickets: Ticket[], range: DateRange, mayReadPerson: (personId: string) => boolean): ComplianceReport {
  const outcomes = clockOutcomes(tickets, range);
  const weeks = weeksOf(range);
  const departments = [...groupBy(outcomes, (o) => o.departmentId)].map(([departmentId, list]) => ({ departmentId, ...line(list, weeks) }));
  const owned = outcomes.filter((o) => o.ownerId && mayReadPerson(o.ownerId));
  const people = [...groupBy(owned, (o) => o.ownerId!)].map(([personId, list]) => ({ personId, departmentId: list[list.length - 1].departmentId, ...line(list, weeks) }));
  const clocks = [...groupBy(outcomes, (o) => o.clock)].map(([clock, list]) => {
    const met = list.filter((o) => o.met).length;
    return { clock, met, finished: list.length, share: share(met, list.length) };
  });
  departments.sort((a, b) => a.departmentId.localeCompare(b.departmentId));
  people.sort((a, b) => (a.share ?? 101) - (b.share ?? 101) || a.personId.localeCompare(b.personId));
  return { from: range.from, to: range.to, weeks: weeks.map((w) => w.toISOString().slice(0, 10)), overall: line(outcomes, weeks), departments, people, clocks };
}
