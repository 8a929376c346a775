// The local web console: a chat page where you act as any person of the
// organisation, its JSON twin, and each person's inbox of what the bot sent
// them (pings, escalations, handoff cards) — Duban without any chat platform.
import { hasToken } from '../../src/http/auth.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../src/core/clock.js';
import type { Reply } from '../../src/core/card.js';
import type { OrgView } from '../../src/org/org.types.js';
import type { NotificationStore } from '../../src/notifications/notification.types.js';
import type { TicketService } from '../../src/tickets/ticket.service.js';
import { BodyError, readJson } from '../../src/http/body.js';
import { sendJson, type HttpServer } from '../../src/http/server.js';
import type { CommandRouter } from '../../conversations/router.js';
import { say, departmentName } from '../../conversations/render/names.js';
import { consoleMessageSchema, toInbound } from './console.parse.js';
import { CONSOLE_PAGE } from './console.page.js';

export interface ConsoleDeps {
  router: CommandRouter;
  org: OrgView;
  notifications: NotificationStore;
  tickets: TicketService;
  clock: Clock;
  clocksOf?: (ticket: import('../../src/tickets/ticket.types.js').Ticket) => import('../../src/sla/clock-view.js').ClockView[];
  /** A decision card for notices that are not about a ticket's state (penalties, appeals). */
  cardFor?: (notification: import('../../src/notifications/notification.types.js').Notification, person: import('../../src/org/org.types.js').Person) => Promise<Reply['card'] | undefined>;
  /** When set, every console request must carry this token (bearer header or ?token=). */
  token?: string;
}


export function registerConsoleRoutes(http: HttpServer, deps: ConsoleDeps): void {
  const guard =
    (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      if (deps.token && !hasToken(req, deps.token, { allowQuery: true })) return sendJson(res, 401, { error: 'the console needs the admin token: add ?token=<ADMIN_TOKEN> or an Authorization: Bearer header' });
      try {
        await handler(req, res);
      } catch (err) {
        if (err instanceof BodyError) return sendJson(res, err.status, { error: err.message });
        throw err;
      }
    };

  http.route('GET', '/console', guard((_req, res) => {
    const html = CONSOLE_PAGE;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'" });
    res.end(html);
  }));

  http.route('GET', '/console/api/people', guard((_req, res) => {
    const people = deps.org.people().map((p) => ({
      id: p.id,
      name: p.name,
      locale: p.locale,
      roles: p.roles,
      department: p.departmentId ?? null,
      departmentName: p.departmentId ? departmentName(deps.org, p.departmentId, p.locale) : null,
    }));
    sendJson(res, 200, { people });
  }));

  http.route('POST', '/console/api/messages', guard(async (req, res) => {
    const parsed = consoleMessageSchema.safeParse(await readJson(req));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendJson(res, 400, { error: `${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const inbound = toInbound(parsed.data, deps.org, deps.clock.now());
    if ('error' in inbound) return sendJson(res, 400, { error: inbound.error });
    const replies = await deps.router.handle(inbound);
    sendJson(res, 200, { replies: replies.map(renderReply) });
  }));

  http.route('GET', '/console/api/inbox', guard(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const user = url.searchParams.get('user') ?? '';
    const person = deps.org.person(user);
    if (!person) return sendJson(res, 400, { error: `unknown user '${user}'; pick one of GET /console/api/people` });
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 50) || 50, 1), 200);
    const items = await deps.notifications.forPerson(person.id, limit);
    const rendered = [];
    for (const n of items) {
      const entry: { id: string; at: Date; ticketId?: string; text: string; card?: Reply['card'] } = {
        id: n.id,
        at: n.createdAt,
        ticketId: n.ticketId,
        text: say(person.locale, deps.org, n.message, n.params),
      };
      // Pings that ask for a decision come with the card to act on (a handoff, a penalty, an appeal).
      entry.card = await deps.cardFor?.(n, person);
      rendered.push(entry);
    }
    sendJson(res, 200, { user: person.id, notifications: rendered });
  }));
}

/** The console shows neutral replies as they are; the page escapes text when it renders. */
function renderReply(reply: Reply): Reply {
  return { text: reply.text, card: reply.card, private: reply.private };
}
