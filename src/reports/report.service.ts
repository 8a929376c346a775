// Every report the dashboard, the API and the digest show, for one reader:
// loads what the reader's scope allows, drops what they may not see
// (confidential tickets, other people's numbers), then runs the pure report.
import type { Clock } from '../core/clock.js';
import type { OrgView, Person } from '../org/org.types.js';
import type { ClockView } from '../sla/clock-view.js';
import type { SlaPolicy } from '../sla/sla.policy.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { Penalty } from '../accountability/penalty.types.js';
import type { Appeal } from '../accountability/appeal.types.js';
import { scorecardFor, serviceStars, type Scorecard } from '../accountability/scorecard.js';
import type { MongoReportRepository } from '../storage/report.repository.js';
import type { DateRange } from './report.range.js';
import { mayReadPenalty, mayReadPerson, mayView, scopeOf, type Viewer } from './report.scope.js';
import { complianceReport, overdueReport, type ComplianceReport, type OverdueReport } from './sla.reports.js';
import { csatReport, escalationReport, handoffReport, timingReport, type CsatReport, type EscalationReport, type TimingReport } from './flow.reports.js';
import { penaltyReport, typicalCases, type PenaltyReport, type TypicalCase } from './ledger.reports.js';

export interface ReportServiceDeps {
  reports: MongoReportRepository;
  org: OrgView;
  clock: Clock;
  policy: SlaPolicy;
  clocksOf(ticket: Ticket): ClockView[];
}

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  get org(): OrgView {
    return this.deps.org;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /** Tickets with activity in the range that the viewer may see. */
  async ticketsFor(viewer: Viewer, range: DateRange, departments?: string[]): Promise<Ticket[]> {
    const all = await this.deps.reports.activeDuring(range, scopeOf(viewer, this.deps.org), departments);
    return all.filter((t) => mayView(viewer, t, this.deps.org));
  }

  async overdue(viewer: Viewer, departments?: string[]): Promise<OverdueReport> {
    const tickets = (await this.deps.reports.overdueNow(scopeOf(viewer, this.deps.org), departments)).filter((t) => mayView(viewer, t, this.deps.org));
    return overdueReport(tickets, this.deps.clocksOf, this.now());
  }

  async compliance(viewer: Viewer, range: DateRange, departments?: string[]): Promise<ComplianceReport> {
    return complianceReport(await this.ticketsFor(viewer, range, departments), range, (id) => mayReadPerson(viewer, id, this.deps.org));
  }

  async timing(viewer: Viewer, range: DateRange, departments?: string[]): Promise<TimingReport> {
    return timingReport(await this.ticketsFor(viewer, range, departments), range);
  }

  async handoffs(viewer: Viewer, range: DateRange, departments?: string[]) {
    return handoffReport(await this.ticketsFor(viewer, range, departments), range, this.now());
  }

  async escalations(viewer: Viewer, range: DateRange, departments?: string[]): Promise<EscalationReport> {
    return escalationReport(await this.ticketsFor(viewer, range, departments), range);
  }

  async csat(viewer: Viewer, range: DateRange, departments?: string[]): Promise<CsatReport> {
    return csatReport(await this.ticketsFor(viewer, range, departments), range);
  }

  /** Penalties created in the range that the viewer may read, optionally for some departments. */
  async penalties(viewer: Viewer, range: DateRange, departments?: string[]): Promise<Penalty[]> {
    const all = await this.deps.reports.penaltiesCreated(range);
    return all.filter((p) => (!departments?.length || departments.includes(p.departmentId)) && mayReadPenalty(viewer, p, this.deps.org));
  }

  /** Appeals created in the range against penalties the viewer may read. */
  async appeals(viewer: Viewer, range: DateRange, departments?: string[]): Promise<Appeal[]> {
    const appeals = await this.deps.reports.appealsCreated(range);
    const penalties = new Map((await this.deps.reports.penaltiesByIds(appeals.map((a) => a.penaltyId))).map((p) => [p.id, p]));
    return appeals.filter((a) => {
      const p = penalties.get(a.penaltyId);
      return !!p && (!departments?.length || departments.includes(p.departmentId)) && mayReadPenalty(viewer, p, this.deps.org);
    });
  }

  async ledger(viewer: Viewer, range: DateRange, departments?: string[]): Promise<PenaltyReport> {
    const [penalties, appeals] = await Promise.all([this.penalties(viewer, range, departments), this.appeals(viewer, range, departments)]);
    return penaltyReport(penalties, appeals, range);
  }

  /** The month's worst breaches on tickets the viewer may see (a case is about a ticket, so the ticket rules apply). */
  async typicalCases(viewer: Viewer, month: DateRange, departments?: string[], limit = 10): Promise<TypicalCase[]> {
    const penalties = (await this.deps.reports.penaltiesCreated(month)).filter((p) => !departments?.length || departments.includes(p.departmentId));
    const tickets = new Map((await this.deps.reports.byIds([...new Set(penalties.map((p) => p.ticketId))])).map((t) => [t.id, t]));
    const visible = (id: string) => {
      const t = tickets.get(id);
      return t && mayView(viewer, t, this.deps.org) ? t : undefined;
    };
    return typicalCases(penalties, visible, limit);
  }

  /** Scorecards (POLICY.md §6) for the range, for the staff whose numbers the viewer may read. */
  async scorecards(viewer: Viewer, range: DateRange): Promise<{ cards: Scorecard[]; stars: string[] }> {
    const everyone = { kind: 'admin', label: 'scorecards' } as const;
    // A card counts the person's whole month, so it is computed from all tickets; only whose card is shown is scoped.
    const [tickets, penalties] = await Promise.all([this.deps.reports.activeDuring(range, scopeOf(everyone, this.deps.org)), this.deps.reports.penaltiesCreated(range)]);
    const scope = scopeOf(viewer, this.deps.org);
    const inScope = (p: Person) => scope.all || scope.departmentIds.includes(p.departmentId ?? '') || (viewer.kind === 'person' && viewer.person.id === p.id);
    const staff = this.deps.org.people().filter((p) => p.roles.some((r) => r === 'agent' || r === 'supervisor') && inScope(p) && mayReadPerson(viewer, p.id, this.deps.org));
    const cards = staff.map((p) => scorecardFor(p.id, tickets, penalties, this.deps.policy));
    return { cards, stars: serviceStars(cards).map((c) => c.personId) };
  }
}
