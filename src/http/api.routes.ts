// /api/v1: read-only JSON for integrations and the dashboard, behind the
// admin bearer token or a dashboard session (api-access.ts decides who sees
// what; reading a ticket's timeline is written to the access log).
import { hasToken } from './auth.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgView } from '../org/org.types.js';
import type { TicketRepository, TicketQuery } from '../tickets/ports.js';
import { TICKET_STATES, type TicketState } from '../tickets/ticket.types.js';
import { parseTicketId } from '../tickets/ticket.factory.js';
import { sendJson, type HttpServer } from './server.js';
import type { OutboxStatus, OutboxStore } from '../delivery/outbox.types.js';
import type { ApiAccess } from './api-access.js';
import type { Principal } from './dashboard/dashboard-auth.js';
import { ADMIN_VIEWER } from '../reports/report.scope.js';

const OUTBOX_STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'parked', 'superseded'];

export interface ApiDeps {
  token: string;
  tickets: TicketRepository;
  org: OrgView;
  /** The outbox, for admins: what waits, what was parked and why. */
  outbox?: Pick<OutboxStore, 'counts' | 'list'>;
  /** Sessions, scopes and the access log; without it only the admin token is accepted. */
  access?: ApiAccess;
}

export function registerApiRoutes(http: HttpServer, deps: ApiDeps): void {
  type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, principal: Principal) => Promise<void> | void;
  const guarded = (handler: Handler, options: { adminOnly?: boolean } = {}) => async (req: IncomingMessage, res: ServerResponse) => {
    const principal: Principal | undefined = deps.access ? await deps.access.principal(req) : hasToken(req, deps.token) ? { viewer: ADMIN_VIEWER, via: 'admin-token' } : undefined;
    if (!principal) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, { error: 'missing or wrong bearer token: send Authorization: Bearer <ADMIN_TOKEN> (or sign in at /dashboard)' });
    }
    if (options.adminOnly && deps.access && !deps.access.isAdmin(principal.viewer)) return sendJson(res, 403, { error: 'only admins can read this' });
    await handler(req, res, new URL(req.url ?? '/', 'http://localhost'), principal);
  };

  http.route('GET', '/api/v1/tickets', guarded(async (_req, res, url, principal) => {
    const query: TicketQuery = { limit: 100 };
    const state = url.searchParams.get('state');
    if (state) {
      const states = state.split(',');
      const bad = states.find((s) => !TICKET_STATES.includes(s as TicketState));
      if (bad) return sendJson(res, 400, { error: `unknown state '${bad}'; use ${TICKET_STATES.join(', ')}` });
      query.states = states as TicketState[];
    }
    const department = url.searchParams.get('department');
    if (department) query.departmentIds = [department];
    const owner = url.searchParams.get('owner');
    if (owner) query.ownerId = owner;
    const limit = url.searchParams.get('limit');
    if (limit) {
      const n = Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > 500) return sendJson(res, 400, { error: 'limit must be a whole number from 1 to 500' });
      query.limit = n;
    }
    // A session sees its departments only, and confidential tickets only where canSee allows.
    const scope = deps.access?.scope(principal.viewer);
    if (scope && !scope.all) query.departmentIds = (query.departmentIds ?? scope.departmentIds).filter((d) => scope.departmentIds.includes(d));
    const tickets = await deps.tickets.list(query);
    sendJson(res, 200, { tickets: deps.access ? tickets.filter((t) => deps.access!.mayView(principal.viewer, t)) : tickets });
  }));

  http.route('GET', '/api/v1/tickets/*', guarded(async (req, res, url, principal) => {
    const raw = decodeURIComponent(url.pathname.slice('/api/v1/tickets/'.length));
    const id = parseTicketId(raw);
    if (!id) return sendJson(res, 400, { error: `'${raw}' is not a ticket id; ticket ids look like T-12` });
    const ticket = await deps.tickets.get(id);
    if (!ticket) return sendJson(res, 404, { error: `no ticket ${id}` });
    const refused = deps.access?.refusal(principal.viewer, ticket);
    if (refused === 'confidential') return sendJson(res, 403, { error: `${id} is confidential: only its department, managers and reviewers can read it` });
    if (refused) return sendJson(res, 403, { error: `${id} is not in your departments` });
    // The timeline is the evidence chain: every read of it outside chat is logged (POLICY.md §7).
    await deps.access?.logTicketRead(principal, req, id);
    sendJson(res, 200, { ticket });
  }));

  http.route('GET', '/api/v1/outbox', guarded(async (_req, res, url) => {
    if (!deps.outbox) return sendJson(res, 404, { error: 'no outbox in this deployment' });
    const status = (url.searchParams.get('status') ?? 'parked') as OutboxStatus;
    if (!OUTBOX_STATUSES.includes(status)) return sendJson(res, 400, { error: `unknown status '${status}'; use ${OUTBOX_STATUSES.join(', ')}` });
    const messages = (await deps.outbox.list(status, 200)).map((m) => ({
      id: m.id,
      platform: m.platform,
      op: m.op,
      to: m.to?.conversationId ?? (m.dmUserId ? `direct message to ${m.dmUserId}` : undefined),
      subject: m.subject,
      attempts: m.attempts,
      createdAt: m.createdAt,
      dueAt: m.dueAt,
      lastError: m.lastError,
    }));
    sendJson(res, 200, { counts: await deps.outbox.counts(), status, messages });
  }, { adminOnly: true }));

  http.route('GET', '/api/v1/people', guarded((_req, res, _url, principal) => {
    // Names and roles label the dashboard for everyone; chat account ids are for admins.
    const admin = !deps.access || deps.access.isAdmin(principal.viewer);
    const people = deps.org.people().map((p) => ({
      id: p.id,
      name: p.name,
      locale: p.locale,
      roles: p.roles,
      department: p.departmentId ?? null,
      supervisor: p.supervisorId ?? null,
      ...(admin ? { identities: p.identities.map((i) => ({ platform: i.platform, userId: i.userId })) } : {}),
    }));
    sendJson(res, 200, { people });
  }));
}
