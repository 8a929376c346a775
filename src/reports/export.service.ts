// CSV exports for a date range — tickets (created in it), timelines (events in
// it), penalties (recorded in it) and scorecards (for it) — with the same
// visibility rules as the dashboard, streamed row by row, and every export
// written to the access log (who asked, when, what and why) before any row leaves.
import type { OrgView } from '../org/org.types.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { MongoReportRepository } from '../storage/report.repository.js';
import type { AccessLog } from '../records/access-log.js';
import { BOM, csvLine, type Cell } from './csv.js';
import { within, type DateRange } from './report.range.js';
import { mayView, scopeOf, viewerId, type Viewer } from './report.scope.js';
import type { ReportService } from './report.service.js';

export const EXPORT_KINDS = ['tickets', 'timelines', 'penalties', 'scorecards'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_HEADERS: Record<ExportKind, string[]> = {
  tickets: ['id', 'number', 'title', 'type', 'priority', 'tier', 'complexity', 'incident_level', 'channel', 'customer', 'state', 'department', 'department_name', 'owner', 'owner_name', 'created_by', 'created_at', 'first_response_at', 'resolved_at', 'closed_at', 'satisfaction', 'confidential', 'overdue_since', 'escalation_level', 'resolution'],
  timelines: ['ticket_id', 'at', 'actor', 'actor_name', 'event', 'from_state', 'to_state', 'platform', 'via', 'details', 'message_link'],
  penalties: ['id', 'ticket_id', 'person', 'person_name', 'department', 'role', 'basis', 'joint_with', 'clock', 'rule', 'grade', 'status', 'counts', 'points', 'target_minutes', 'actual_minutes', 'overrun_percent', 'breached_at', 'created_at'],
  scorecards: ['person', 'name', 'department', 'tickets', 'score', 'quality', 'efficiency', 'satisfaction', 'points', 'reopen_rate', 'clocks_met', 'clocks_finished', 'service_star'],
};

export interface ExportRequest {
  kind: ExportKind;
  range: DateRange;
  /** Only these departments (already checked against the viewer's scope); all the viewer may see when absent. */
  departments?: string[];
  viewer: Viewer;
  via: 'session' | 'admin-token' | 'cli';
  route: string;
  reason?: string;
}

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : '');
const pct = (v: number | undefined) => (v === undefined ? '' : Math.round(v * 1000) / 10);

export class ExportService {
  constructor(private readonly deps: { reports: ReportService; repository: MongoReportRepository; org: OrgView; accessLog: AccessLog }) {}

  private name(id: string | undefined): string {
    return id ? (this.deps.org.person(id)?.name ?? '') : '';
  }

  private async *tickets(viewer: Viewer, range: DateRange, departments?: string[]): AsyncIterable<Cell[]> {
    for await (const t of this.deps.repository.createdDuring(range, scopeOf(viewer, this.deps.org), departments)) {
      if (!mayView(viewer, t, this.deps.org)) continue;
      const dept = this.deps.org.department(t.departmentId);
      yield [t.id, t.number, t.title, t.type, t.priority, t.tier, t.complexity, t.incidentLevel, t.channel, t.customer, t.state, t.departmentId, dept?.name, t.ownerId, this.name(t.ownerId), t.createdBy, iso(t.createdAt), iso(t.firstResponseAt), iso(t.resolvedAt), iso(t.closedAt), t.satisfaction, t.confidential, iso(t.overdueSince), t.escalation?.level, t.resolution];
    }
  }

  private async *timelines(viewer: Viewer, range: DateRange, departments?: string[]): AsyncIterable<Cell[]> {
    for await (const t of this.deps.repository.touchedDuring(range, scopeOf(viewer, this.deps.org), departments)) {
      if (!mayView(viewer, t, this.deps.org)) continue;
      for (const e of (t as Ticket).timeline) {
        if (!within(e.at, range)) continue;
        const details = Object.entries(e.details ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('; ');
        yield [t.id, iso(e.at), e.actorId, this.name(e.actorId), e.kind, e.from, e.to, e.source?.platform, e.source?.via, details, e.source?.messageLink];
      }
    }
  }

  private async *penalties(viewer: Viewer, range: DateRange, departments?: string[]): AsyncIterable<Cell[]> {
    for (const p of await this.deps.reports.penalties(viewer, range, departments)) {
      yield [p.id, p.ticketId, p.personId, this.name(p.personId), p.departmentId, p.role, p.basis, p.jointWith, p.clock, p.ruleText, p.grade, p.status, p.counts, p.consequence?.points ?? 0, Math.round(p.targetMs / 600) / 100, Math.round(p.actualMs / 600) / 100, Math.round(p.overrun * 1000) / 10, iso(p.breachedAt), iso(p.createdAt)];
    }
  }

  private async *scorecards(viewer: Viewer, range: DateRange, departments?: string[]): AsyncIterable<Cell[]> {
    const { cards, stars } = await this.deps.reports.scorecards(viewer, range);
    for (const c of cards) {
      const person = this.deps.org.person(c.personId);
      if (departments?.length && !departments.includes(person?.departmentId ?? '')) continue;
      yield [c.personId, person?.name, person?.departmentId, c.tickets, c.score, pct(c.quality), pct(c.efficiency), pct(c.satisfaction), c.points, Math.round(c.reopenRate * 1000) / 10, c.clocksMet, c.clocksFinished, stars.includes(c.personId)];
    }
  }

  /** The document as chunks (BOM and header first). The access log entry is written before any row leaves. */
  async *csv(request: ExportRequest): AsyncIterable<string> {
    const { kind, viewer, range } = request;
    await this.deps.accessLog.record({
      at: this.deps.reports.now(),
      actor: viewerId(viewer),
      via: request.via,
      action: 'export',
      subject: `${kind} ${range.from.toISOString().slice(0, 10)}..${new Date(range.to.getTime() - 1).toISOString().slice(0, 10)}${request.departments?.length ? ` ${request.departments.join(',')}` : ''}`,
      route: request.route,
      ...(request.reason ? { reason: request.reason } : {}),
    });
    const source = { tickets: this.tickets, timelines: this.timelines, penalties: this.penalties, scorecards: this.scorecards }[kind].call(this, viewer, range, request.departments);
    yield BOM + csvLine(EXPORT_HEADERS[kind]);
    let chunk = '';
    for await (const row of source) {
      chunk += csvLine(row);
      if (chunk.length > 64_000) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
}
