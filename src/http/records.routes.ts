// Records over HTTP: CSV exports (`/api/v1/exports/<kind>?from=&to=`), and a
// ticket's retention — how long it is kept after closing, which an admin can
// extend to five years (`PUT /api/v1/records/T-12 {"extended": true, "reason": "…"}`).
import { z } from 'zod';
import type { OrgView } from '../org/org.types.js';
import type { ExportService } from '../reports/export.service.js';
import { EXPORT_KINDS, type ExportKind } from '../reports/export.service.js';
import { parseRange, ReportInputError } from '../reports/report.range.js';
import { viewerId } from '../reports/report.scope.js';
import { RetentionError, type RetentionService } from '../records/retention.service.js';
import { parseTicketId } from '../tickets/ticket.factory.js';
import { BodyError, readJson } from './body.js';
import { sendJson, type HttpServer } from './server.js';
import { departmentsParam, OutOfScopeError } from './reports.routes.js';
import { reasonOf, routeOf, withPrincipal, type ApiAccess } from './api-access.js';

export interface RecordsRoutesDeps {
  access: ApiAccess;
  exports: ExportService;
  retention: RetentionService;
  org: OrgView;
  now: () => Date;
}

const flagBody = z.strictObject({
  extended: z.boolean({ error: 'extended must be true (keep 5 years) or false (the default 3)' }),
  reason: z.string().trim().min(3, { error: 'give a reason of at least 3 characters' }).max(500),
});

export function registerRecordsRoutes(http: HttpServer, deps: RecordsRoutesDeps): void {
  http.route('GET', '/api/v1/exports/*', withPrincipal(deps.access, async (req, res, url, principal) => {
    const kind = decodeURIComponent(url.pathname.slice('/api/v1/exports/'.length)) as ExportKind;
    if (!EXPORT_KINDS.includes(kind)) return sendJson(res, 404, { error: `no export '${kind.slice(0, 40)}'; use one of ${EXPORT_KINDS.join(', ')}` });
    let range;
    let departments;
    try {
      if (!url.searchParams.get('from') || !url.searchParams.get('to')) throw new ReportInputError('an export needs from and to, e.g. ?from=2026-03-01&to=2026-03-31');
      range = parseRange(url.searchParams.get('from'), url.searchParams.get('to'), deps.now());
      departments = departmentsParam(url, deps.org, deps.access.scope(principal.viewer));
    } catch (err) {
      if (err instanceof ReportInputError) return sendJson(res, 400, { error: err.message });
      if (err instanceof OutOfScopeError) return sendJson(res, 403, { error: err.message });
      throw err;
    }
    const file = `duban-${kind}-${url.searchParams.get('from')}-${url.searchParams.get('to')}.csv`;
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}"`, 'cache-control': 'no-store' });
    for await (const chunk of deps.exports.csv({ kind, range, departments, viewer: principal.viewer, via: principal.via, route: routeOf(req), reason: reasonOf(req) })) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }));

  const ticketIdOf = (url: URL) => {
    const raw = decodeURIComponent(url.pathname.slice('/api/v1/records/'.length));
    return { raw, id: parseTicketId(raw) };
  };

  http.route('GET', '/api/v1/records/*', withPrincipal(deps.access, async (_req, res, url) => {
    const { raw, id } = ticketIdOf(url);
    if (!id) return sendJson(res, 400, { error: `'${raw.slice(0, 40)}' is not a ticket id; ticket ids look like T-12` });
    const status = await deps.retention.status(id);
    if (!status) return sendJson(res, 404, { error: `no ticket ${id}` });
    sendJson(res, 200, status);
  }, { adminOnly: true }));

  http.route('PUT', '/api/v1/records/*', withPrincipal(deps.access, async (req, res, url, principal) => {
    const { raw, id } = ticketIdOf(url);
    if (!id) return sendJson(res, 400, { error: `'${raw.slice(0, 40)}' is not a ticket id; ticket ids look like T-12` });
    // A JSON body only: a cross-site form cannot send one without a preflight the server never grants.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return sendJson(res, 415, { error: 'send JSON: Content-Type: application/json' });
    let body;
    try {
      body = flagBody.safeParse(await readJson(req, 10_000));
    } catch (err) {
      if (err instanceof BodyError) return sendJson(res, err.status, { error: err.message });
      throw err;
    }
    if (!body.success) return sendJson(res, 400, { error: `${body.error.issues[0].path.join('.') || 'body'}: ${body.error.issues[0].message}` });
    try {
      await deps.retention.flag(id, { extended: body.data.extended, reason: body.data.reason, by: viewerId(principal.viewer) });
    } catch (err) {
      if (err instanceof RetentionError) return sendJson(res, err.message.startsWith('no ticket') ? 404 : 409, { error: err.message });
      throw err;
    }
    sendJson(res, 200, await deps.retention.status(id));
  }, { adminOnly: true }));
}
