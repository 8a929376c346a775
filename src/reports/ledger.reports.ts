// The penalty ledger for managers: penalties by grade and status, appeals by
// status and decision, and the month's "typical cases" — the worst breaches,
// one per ticket — that the rulebooks ask to be shared as lessons.
import type { Appeal } from '../accountability/appeal.types.js';
import type { Penalty, PenaltyStatus } from '../accountability/penalty.types.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { GRADES } from '../sla/sla.policy.js';
import type { DateRange } from './report.range.js';
import { groupBy } from './report.stats.js';

const STATUSES: PenaltyStatus[] = ['active', 'appealed', 'upheld', 'reduced', 'revoked'];

export interface PenaltyReport {
  from: Date;
  to: Date;
  total: number;
  /** Points of the penalties that still count. */
  points: number;
  /** grade → status → count. */
  byGrade: Record<string, Record<string, number>>;
  departments: Array<{ departmentId: string; minor: number; moderate: number; severe: number }>;
  appeals: { total: number; open: number; decided: number; byDecision: Record<string, number> };
}

export function penaltyReport(penalties: Penalty[], appeals: Appeal[], range: DateRange): PenaltyReport {
  const byGrade: Record<string, Record<string, number>> = {};
  for (const g of GRADES) byGrade[g] = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const p of penalties) byGrade[p.grade][p.status] = (byGrade[p.grade][p.status] ?? 0) + 1;
  const departments = [...groupBy(penalties, (p) => p.departmentId)]
    .map(([departmentId, list]) => ({
      departmentId,
      minor: list.filter((p) => p.grade === 'minor').length,
      moderate: list.filter((p) => p.grade === 'moderate').length,
      severe: list.filter((p) => p.grade === 'severe').length,
    }))
    .sort((a, b) => a.departmentId.localeCompare(b.departmentId));
  const byDecision: Record<string, number> = { uphold: 0, reduce: 0, revoke: 0 };
  for (const a of appeals) if (a.decision) byDecision[a.decision] += 1;
  return {
    from: range.from,
    to: range.to,
    total: penalties.length,
    points: penalties.filter((p) => p.counts).reduce((sum, p) => sum + (p.consequence?.points ?? 0), 0),
    byGrade,
    departments,
    appeals: { total: appeals.length, open: appeals.filter((a) => a.status === 'open').length, decided: appeals.filter((a) => a.status === 'decided').length, byDecision },
  };
}

export interface TypicalCase {
  ticketId: string;
  title: string;
  departmentId: string;
  type: Ticket['type'];
  priority: Ticket['priority'];
  tier: Ticket['tier'];
  clock: string;
  grade: Penalty['grade'];
  /** How far past the target (0.8 = 80 % over). */
  overrun: number;
  targetMs: number;
  actualMs: number;
  breachedAt: Date;
  penaltyId: string;
  status: PenaltyStatus;
  rule: string;
  ruleZh?: string;
}

/**
 * The worst breaches of the month: the principal penalty (not a supervisor's joint
 * share) of each ticket, revoked ones left out, ranked by grade then overrun.
 * `ticketOf` returns only tickets the reader may see, so a confidential case stays hidden.
 */
export function typicalCases(penalties: Penalty[], ticketOf: (id: string) => Ticket | undefined, limit = 10): TypicalCase[] {
  const principal = penalties.filter((p) => !p.jointWith && p.status !== 'revoked');
  const worstPerTicket = [...groupBy(principal, (p) => p.ticketId)].map(([, list]) => list.sort(rank)[0]);
  const cases: TypicalCase[] = [];
  for (const p of worstPerTicket.sort(rank)) {
    const t = ticketOf(p.ticketId);
    if (!t) continue;
    cases.push({
      ticketId: t.id,
      title: t.title,
      departmentId: t.departmentId,
      type: t.type,
      priority: t.priority,
      tier: t.tier,
      clock: p.clock,
      grade: p.grade,
      overrun: Math.round(p.overrun * 100) / 100,
      targetMs: p.targetMs,
      actualMs: p.actualMs,
      breachedAt: p.breachedAt,
      penaltyId: p.id,
      status: p.status,
      rule: p.ruleText,
      ...(p.ruleTextZh ? { ruleZh: p.ruleTextZh } : {}),
    });
    if (cases.length >= limit) break;
  }
  return cases;
}

function rank(a: Penalty, b: Penalty): number {
  return GRADES.indexOf(b.grade) - GRADES.indexOf(a.grade) || b.overrun - a.overrun || a.id.localeCompare(b.id);
}
