// The access log (POLICY.md §7): every read of a ticket's evidence or an
// export outside chat — who, when, what, and why (the route, plus a reason
// when the reader gives one). Kept five years by default (the policy's
// records.accessLogYears), then dropped by a TTL index.
export const ACCESS_LOG_YEARS = 5;

export type AccessAction = 'ticket.read' | 'export';

export interface AccessEntry {
  at: Date;
  /** Person id, or `admin-token` / `cli:<user>` for the admin token and the command line. */
  actor: string;
  /** How the reader signed in. */
  via: 'session' | 'admin-token' | 'cli';
  action: AccessAction;
  /** A ticket id, or the export kind and range (`tickets 2026-03-01..2026-03-31`). */
  subject: string;
  /** The route or command that read it (`GET /api/v1/tickets/T-12`). */
  route: string;
  /** Why, when the reader said (`?reason=` or the X-Access-Reason header). */
  reason?: string;
}

export interface AccessLogQuery {
  from?: Date;
  to?: Date;
  actor?: string;
  subject?: string;
  limit: number;
}

export interface AccessLog {
  record(entry: AccessEntry): Promise<void>;
  list(query: AccessLogQuery): Promise<AccessEntry[]>;
}
