// How work flowed: first-response and resolution times, the wait between a
// handoff and its answer, escalations, and satisfaction from return visits.
// Read from the tickets and their timelines (the evidence chain), so the
// numbers are what happened, not what a counter remembered.
import type { Ticket, TimelineEvent } from '../tickets/ticket.types.js';
import { weeksOf, weekStart, within, type DateRange } from './report.range.js';
import { average, groupBy, median, percentile, round } from './report.stats.js';

const MINUTE = 60_000;
const HOUR = 3600_000;

export interface TimingLine {
  departmentId: string;
  count: number;
  median: number | null;
  p90: number | null;
  average: number | null;
}

export interface TimingReport {
  from: Date;
  to: Date;
  weeks: string[];
  /** Minutes from opening to the first claim or reply, for tickets opened in the range. */
  firstResponse: { unit: 'minutes'; overall: Omit<TimingLine, 'departmentId'>; departments: TimingLine[]; weekly: Array<number | null> };
  /** Hours from opening to resolution, for tickets resolved in the range. */
  resolution: { unit: 'hours'; overall: Omit<TimingLine, 'departmentId'>; departments: TimingLine[]; weekly: Array<number | null> };
}

function timing(values: number[]): Omit<TimingLine, 'departmentId'> {
  return { count: values.length, median: round(median(values)), p90: round(percentile(values, 90)), average: round(average(values)) };
}

function timingPart(samples: Array<{ departmentId: string; at: Date; value: number }>, weeks: Date[]) {
  const departments = [...groupBy(samples, (s) => s.departmentId)]
    .map(([departmentId, list]) => ({ departmentId, ...timing(list.map((s) => s.value)) }))
    .sort((a, b) => a.departmentId.localeCompare(b.departmentId));
  const byWeek = groupBy(samples, (s) => weekStart(s.at).toISOString());
  const weekly = weeks.map((w) => round(median((byWeek.get(w.toISOString()) ?? []).map((s) => s.value))));
  return { overall: timing(samples.map((s) => s.value)), departments, weekly };
}

export function timingReport(tickets: Ticket[], range: DateRange): TimingReport {
  const weeks = weeksOf(range);
  const first = tickets
    .filter((t) => t.firstResponseAt && within(t.createdAt, range))
    .map((t) => ({ departmentId: t.departmentId, at: new Date(t.createdAt), value: (new Date(t.firstResponseAt!).getTime() - new Date(t.createdAt).getTime()) / MINUTE }));
  const resolved = tickets
    .filter((t) => t.resolvedAt && within(t.resolvedAt, range))
    .map((t) => ({ departmentId: t.departmentId, at: new Date(t.resolvedAt!), value: (new Date(t.resolvedAt!).getTime() - new Date(t.createdAt).getTime()) / HOUR }));
  return {
    from: range.from,
    to: range.to,
    weeks: weeks.map((w) => w.toISOString().slice(0, 10)),
    firstResponse: { unit: 'minutes', ...timingPart(first, weeks) },
    resolution: { unit: 'hours', ...timingPart(resolved, weeks) },
  };
}

/** The department that owned the ticket just before each event (handoffs move it only when accepted). */
function departmentsBefore(ticket: Ticket): string[] {
  const out = new Array<string>(ticket.timeline.length);
  let current = ticket.departmentId;
  for (let i = ticket.timeline.length - 1; i >= 0; i--) {
    const e = ticket.timeline[i];
    if (e.kind === 'accept' && typeof e.details.from === 'string') current = e.details.from;
    out[i] = current;
  }
  return out;
}

export interface HandoffPair {
  from: string;
  to: string;
  count: number;
  accepted: number;
  declined: number;
  waiting: number;
  /** Minutes from the request to the answer (or to now, while still waiting). */
  medianWait: number | null;
  maxWait: number | null;
}

export function handoffReport(tickets: Ticket[], range: DateRange, now: Date): { from: Date; to: Date; total: number; pairs: HandoffPair[] } {
  const samples: Array<{ from: string; to: string; outcome: 'accepted' | 'declined' | 'waiting'; wait: number }> = [];
  for (const t of tickets) {
    const before = departmentsBefore(t);
    t.timeline.forEach((e, i) => {
      if (e.kind !== 'handoff' || !within(e.at, range) || typeof e.details.to !== 'string') return;
      const answer = t.timeline.slice(i + 1).find((x) => x.kind === 'accept' || x.kind === 'decline' || x.kind === 'handoff');
      const answered = answer && answer.kind !== 'handoff' ? answer : undefined;
      const end = answered ? new Date(answered.at) : t.state === 'pending_handoff' && t.pendingHandoff ? now : undefined;
      if (!end) return;
      const outcome = answered ? (answered.kind === 'accept' ? 'accepted' : 'declined') : 'waiting';
      samples.push({ from: before[i], to: e.details.to as string, outcome, wait: (end.getTime() - new Date(e.at).getTime()) / MINUTE });
    });
  }
  const pairs = [...groupBy(samples, (s) => `${s.from}\u0000${s.to}`)].map(([, list]) => {
    const waits = list.map((s) => s.wait);
    return {
      from: list[0].from,
      to: list[0].to,
      count: list.length,
      accepted: list.filter((s) => s.outcome === 'accepted').length,
      declined: list.filter((s) => s.outcome === 'declined').length,
      waiting: list.filter((s) => s.outcome === 'waiting').length,
      medianWait: round(median(waits)),
      maxWait: round(Math.max(...waits)),
    };
  });
  pairs.sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { from: range.from, to: range.to, total: samples.length, pairs };
}

function eventsIn(tickets: Ticket[], kind: TimelineEvent['kind'], range: DateRange): Array<{ ticket: Ticket; event: TimelineEvent }> {
  return tickets.flatMap((ticket) => ticket.timeline.filter((e) => e.kind === kind && within(e.at, range)).map((event) => ({ ticket, event })));
}

export interface EscalationReport {
  from: Date;
  to: Date;
  weeks: string[];
  total: number;
  /** Raised by the clocks at 150 % of a target. */
  automatic: number;
  manual: number;
  byLevel: Record<string, number>;
  departments: Array<{ departmentId: string; count: number }>;
  weekly: number[];
}

export function escalationReport(tickets: Ticket[], range: DateRange): EscalationReport {
  const found = eventsIn(tickets, 'escalate', range);
  const weeks = weeksOf(range);
  const byLevel: Record<string, number> = { supervisor: 0, manager: 0, director: 0 };
  for (const { event } of found) {
    const level = String(event.details.level ?? 'supervisor');
    byLevel[level] = (byLevel[level] ?? 0) + 1;
  }
  const byWeek = groupBy(found, (f) => weekStart(new Date(f.event.at)).toISOString());
  return {
    from: range.from,
    to: range.to,
    weeks: weeks.map((w) => w.toISOString().slice(0, 10)),
    total: found.length,
    automatic: found.filter((f) => f.event.actorId === 'system').length,
    manual: found.filter((f) => f.event.actorId !== 'system').length,
    byLevel,
    departments: [...groupBy(found, (f) => f.ticket.departmentId)].map(([departmentId, list]) => ({ departmentId, count: list.length })).sort((a, b) => b.count - a.count),
    weekly: weeks.map((w) => (byWeek.get(w.toISOString()) ?? []).length),
  };
}

export interface CsatReport {
  from: Date;
  to: Date;
  weeks: string[];
  responses: number;
  /** Average score 1–5, two decimals. */
  average: number | null;
  /** Count of scores 1, 2, 3, 4, 5. */
  distribution: number[];
  departments: Array<{ departmentId: string; responses: number; average: number | null }>;
  weekly: Array<number | null>;
}

/** Satisfaction from the return visits logged in the range (`followup` on the timeline). */
export function csatReport(tickets: Ticket[], range: DateRange): CsatReport {
  const scores = eventsIn(tickets, 'followup', range)
    .map(({ ticket, event }) => ({ departmentId: ticket.departmentId, at: new Date(event.at), score: Number(event.details.score) }))
    .filter((s) => Number.isInteger(s.score) && s.score >= 1 && s.score <= 5);
  const weeks = weeksOf(range);
  const byWeek = groupBy(scores, (s) => weekStart(s.at).toISOString());
  return {
    from: range.from,
    to: range.to,
    weeks: weeks.map((w) => w.toISOString().slice(0, 10)),
    responses: scores.length,
    average: round(average(scores.map((s) => s.score)), 2),
    distribution: [1, 2, 3, 4, 5].map((n) => scores.filter((s) => s.score === n).length),
    departments: [...groupBy(scores, (s) => s.departmentId)]
      .map(([departmentId, list]) => ({ departmentId, responses: list.length, average: round(average(list.map((s) => s.score)), 2) }))
      .sort((a, b) => a.departmentId.localeCompare(b.departmentId)),
    weekly: weeks.map((w) => round(average((byWeek.get(w.toISOString()) ?? []).map((s) => s.score)), 2)),
  };
}
