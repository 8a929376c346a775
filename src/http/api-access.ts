// Access rules shared by every /api/v1 route: who is asking (admin token or
// dashboard session), what they may see (report.scope), and the access log
// entry for each read of a ticket's evidence.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgView } from '../org/org.types.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { AccessLog } from '../records/access-log.js';
import { isAdmin, mayView, refusal, scopeOf, viewerId, type Scope, type Viewer } from '../reports/report.scope.js';
import type { Clock } from '../core/clock.js';
import type { Principal } from './dashboard/dashboard-auth.js';
import { sendJson } from './server.js';

export interface ApiAccess {
  principal(req: IncomingMessage): Promise<Principal | undefined>;
  scope(viewer: Viewer): Scope;
  mayView(viewer: Viewer, ticket: Ticket): boolean;
  /** Why a ticket is refused (403), or undefined when it may be read. */
  refusal(viewer: Viewer, ticket: Ticket): 'scope' | 'confidential' | undefined;
  isAdmin(viewer: Viewer): boolean;
  /** Writes the access log entry for reading a ticket's evidence. */
  logTicketRead(principal: Principal, req: IncomingMessage, ticketId: string): Promise<void>;
}

/** The reader's stated reason: `?reason=` or the X-Access-Reason header, at most 200 characters. */
export function reasonOf(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const header = req.headers['x-access-reason'];
  const raw = url.searchParams.get('reason') ?? (Array.isArray(header) ? header[0] : header);
  const text = raw?.trim().slice(0, 200);
  return text || undefined;
}

export function routeOf(req: IncomingMessage): string {
  return `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
}

export function createApiAccess(deps: { principal: (req: IncomingMessage) => Promise<Principal | undefined>; org: OrgView; log: AccessLog; clock: Clock }): ApiAccess {
  return {
    principal: deps.principal,
    scope: (viewer) => scopeOf(viewer, deps.org),
    mayView: (viewer, ticket) => mayView(viewer, ticket, deps.org),
    refusal: (viewer, ticket) => refusal(viewer, ticket, deps.org),
    isAdmin,
    async logTicketRead(principal, req, ticketId) {
      const reason = reasonOf(req);
      await deps.log.record({
        at: deps.clock.now(),
        actor: viewerId(principal.viewer),
        via: principal.via,
        action: 'ticket.read',
        subject: ticketId,
        route: routeOf(req),
        ...(reason ? { reason } : {}),
      });
    },
  };
}

export const UNAUTHORISED = 'sign in first: send Authorization: Bearer <ADMIN_TOKEN>, or open /dashboard with a link from `/ticket dashboard`';

/** Wraps a handler: 401 without a principal, 403 for non-admins on admin routes. */
export function withPrincipal(
  access: ApiAccess,
  handler: (req: IncomingMessage, res: ServerResponse, url: URL, principal: Principal) => Promise<void> | void,
  options: { adminOnly?: boolean } = {},
) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const principal = await access.principal(req);
    if (!principal) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, { error: UNAUTHORISED });
    }
    if (options.adminOnly && !access.isAdmin(principal.viewer)) return sendJson(res, 403, { error: 'only admins can read this' });
    await handler(req, res, new URL(req.url ?? '/', 'http://localhost'), principal);
  };
}
