// /api/v1 reports: everything the dashboard shows, as JSON, for the admin
// token or a dashboard session, each answer cut to what the reader may see.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgView } from '../org/org.types.js';
import type { AccessLog } from '../records/access-log.js';
import type { ReportService } from '../reports/report.service.js';
import { departmentsOf, viewerId, type Scope } from '../reports/report.scope.js';
import { parseMonth, parseRange, ReportInputError } from '../reports/report.range.js';
import { sendJson, type HttpServer } from './server.js';
import { withPrincipal, type ApiAccess } from './api-access.js';
import type { Principal } from './dashboard/dashboard-auth.js';

export interface ReportRoutesDeps {
  access: ApiAccess;
  reports: ReportService;
  org: OrgView;
  accessLog: AccessLog;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, principal: Principal, departments: (url: URL) => string[] | undefined) => Promise<void> | void;

/** A department the reader asked for but may not see. */
export class OutOfScopeError extends Error {}

/**
 * `department=a,b` checked against the directory and the reader's scope (an unknown one
 * is a 400, one outside the reader's departments a 403); undefined for "all I may see".
 */
export function departmentsParam(url: URL, org: OrgView, scope?: Scope): string[] | undefined {
  const raw = url.searchParams.get('department');
  if (!raw) return undefined;
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ids.find((id) => !org.department(id));
  if (bad) throw new ReportInputError(`unknown department '${bad.slice(0, 40)}'; use ${org.departments().map((d) => d.id).join(', ')}`);
  const outside = scope && !scope.all ? ids.find((id) => !scope.departmentIds.includes(id)) : undefined;
  if (outside) throw new OutOfScopeError(`${outside} is not one of your departments (${scope!.departmentIds.join(', ') || 'none'})`);
  return ids;
}

export function registerReportRoutes(http: HttpServer, deps: ReportRoutesDeps): void {
  const { reports, org } = deps;
  const route = (path: string, handler: Handler, options: { adminOnly?: boolean } = {}) =>
    http.route('GET', path, withPrincipal(deps.access, async (req, res, url, principal) => {
      try {
        await handler(req, res, url, principal, (u) => departmentsParam(u, org, deps.access.scope(principal.viewer)));
      } catch (err) {
        if (err instanceof ReportInputError) return sendJson(res, 400, { error: err.message });
        if (err instanceof OutOfScopeError) return sendJson(res, 403, { error: err.message });
        throw err;
      }
    }, options));
  const range = (url: URL) => parseRange(url.searchParams.get('from'), url.searchParams.get('to'), reports.now());

  route('/api/v1/me', (_req, res, _url, { viewer, via }) => {
    const person = viewer.kind === 'person' ? viewer.person : undefined;
    const scope = deps.access.scope(viewer);
    sendJson(res, 200, {
      id: viewerId(viewer),
      name: person?.name ?? 'Admin',
      locale: person?.locale ?? 'en',
      roles: person?.roles ?? ['admin'],
      via,
      admin: deps.access.isAdmin(viewer),
      allDepartments: scope.all,
      ownDepartments: person ? departmentsOf(person, org) : [],
      departments: scope.departmentIds.map((id) => ({ id, name: org.department(id)?.name ?? id, nameZh: org.department(id)?.nameZh ?? null })),
      // Every department's name, to label a handoff from or to a department outside the reader's own.
      directory: org.departments().map((d) => ({ id: d.id, name: d.name, nameZh: d.nameZh ?? null })),
    });
  });

  route('/api/v1/reports/overdue', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, await reports.overdue(viewer, depts(url)));
  });
  route('/api/v1/reports/compliance', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, await reports.compliance(viewer, range(url), depts(url)));
  });
  route('/api/v1/reports/timing', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, await reports.timing(viewer, range(url), depts(url)));
  });
  route('/api/v1/reports/handoffs', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, await reports.handoffs(viewer, range(url), depts(url)));
  });
  route('/api/v1/reports/escalations', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, await reports.escalations(viewer, range(url), depts(url)));
  });
  route('/api/v1/reports/csat', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, await reports.csat(viewer, range(url), depts(url)));
  });
  route('/api/v1/reports/penalties', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, await reports.ledger(viewer, range(url), depts(url)));
  });
  route('/api/v1/reports/typical-cases', async (_req, res, url, { viewer }, depts) => {
    const month = parseMonth(url.searchParams.get('month'), reports.now());
    sendJson(res, 200, { month: month.label, cases: await reports.typicalCases(viewer, month, depts(url)) });
  });

  route('/api/v1/penalties', async (_req, res, url, { viewer }, depts) => {
    sendJson(res, 200, { penalties: await reports.penalties(viewer, range(url), depts(url)) });
  });
  route('/api/v1/appeals', async (_req, res, url, { viewer }, depts) => {
    const status = url.searchParams.get('status');
    if (status && status !== 'open' && status !== 'decided') throw new ReportInputError(`unknown status '${status.slice(0, 20)}'; use open or decided`);
    const appeals = await reports.appeals(viewer, range(url), depts(url));
    sendJson(res, 200, { appeals: status ? appeals.filter((a) => a.status === status) : appeals });
  });
  route('/api/v1/scorecards', async (_req, res, url, { viewer }) => {
    const month = parseMonth(url.searchParams.get('month'), reports.now());
    sendJson(res, 200, { month: month.label, ...(await reports.scorecards(viewer, month)) });
  });

  route(
    '/api/v1/access-log',
    async (_req, res, url) => {
      const limitRaw = url.searchParams.get('limit');
      const limit = limitRaw ? Number(limitRaw) : 200;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ReportInputError('limit must be a whole number from 1 to 1000');
      const hasRange = url.searchParams.has('from') || url.searchParams.has('to');
      const window = hasRange ? parseRange(url.searchParams.get('from'), url.searchParams.get('to'), reports.now()) : undefined;
      const entries = await deps.accessLog.list({
        from: window?.from,
        to: window?.to,
        actor: url.searchParams.get('actor') ?? undefined,
        subject: url.searchParams.get('subject') ?? undefined,
        limit,
      });
      sendJson(res, 200, { entries });
    },
    { adminOnly: true },
  );
}
