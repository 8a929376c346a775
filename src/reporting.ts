// Wires what managers and operators use outside chat: the dashboard and its
// sign-in, the /api/v1 reports, CSV exports, the access log, records
// retention, the weekly digest and /metrics — one call from the composition
// root, like createChat.
import type { Connection } from 'mongoose';
import type { Clock } from './core/clock.js';
import type { Logger } from './core/logger.js';
import type { OrgView } from './org/org.types.js';
import type { SlaPolicy } from './sla/sla.policy.js';
import type { ClockView } from './sla/clock-view.js';
import type { Ticket } from './tickets/ticket.types.js';
import type { Notice } from './notifications/notification.types.js';
import type { OutboxStore } from './delivery/outbox.types.js';
import type { HttpServer } from './http/server.js';
import type { CommandRouter } from '../conversations/router.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { JOB_NAMES } from '../jobs/job-names.js';
import { MongoReportRepository } from './storage/report.repository.js';
import { MongoAccessLog } from './storage/access-log.repository.js';
import { MongoRecordsRepository } from './storage/records.repository.js';
import { MongoDashboardSessions } from './storage/dashboard-session.repository.js';
import { ReportService } from './reports/report.service.js';
import { ExportService } from './reports/export.service.js';
import { DigestService } from './reports/digest.service.js';
import { RetentionService } from './records/retention.service.js';
import { DashboardAuth } from './http/dashboard/dashboard-auth.js';
import { registerDashboardRoutes } from './http/dashboard/dashboard.routes.js';
import { createApiAccess, type ApiAccess } from './http/api-access.js';
import { registerReportRoutes } from './http/reports.routes.js';
import { registerRecordsRoutes } from './http/records.routes.js';
import { registerMetricsRoutes } from './http/metrics.routes.js';
import { Metrics } from './metrics/metrics.js';
import { instrumentClockJobs, instrumentOutbox, instrumentRouter } from './metrics/instrument.js';

export interface ReportingDeps {
  conn: Connection;
  http: HttpServer;
  org: OrgView;
  clock: Clock;
  policy: SlaPolicy;
  logger: Logger;
  adminToken: string;
  clocksOf(ticket: Ticket): ClockView[];
  notices: { deliverTo(personIds: string[], notice: Omit<Notice, 'to'>): Promise<void> };
  router: CommandRouter;
  outbox: OutboxStore;
  jobs: JobRunner;
  /** Where people reach Duban; links in chat point there (PUBLIC_URL; else this host and port). */
  publicUrl?: string;
}

export interface Reporting {
  access: ApiAccess;
  auth: DashboardAuth;
  reports: ReportService;
  exports: ExportService;
  digests: DigestService;
  retention: RetentionService;
  accessLog: MongoAccessLog;
  metrics: Metrics;
  /** The address the server listens on, for links when PUBLIC_URL is not set. */
  listening(port: number, host: string): void;
  /** The dashboard's address, for the start-up log. */
  dashboardUrl(): string;
}

export async function createReporting(deps: ReportingDeps): Promise<Reporting> {
  const { conn, http, org, clock } = deps;
  const repository = new MongoReportRepository(conn);
  const accessLog = new MongoAccessLog(conn, deps.policy.records.accessLogYears);
  const records = new MongoRecordsRepository(conn);
  const sessions = new MongoDashboardSessions(conn);
  await Promise.all([repository.init(), accessLog.init(), records.init(), sessions.init()]);

  let base = '';
  const publicUrl = () => deps.publicUrl ?? base;
  const auth = new DashboardAuth({ sessions, org, clock, adminToken: deps.adminToken, publicUrl });
  const access = createApiAccess({ principal: (req) => auth.principal(req), org, log: accessLog, clock });
  const reports = new ReportService({ reports: repository, org, clock, policy: deps.policy, clocksOf: deps.clocksOf });
  const exports = new ExportService({ reports, repository, org, accessLog });
  const digests = new DigestService({ reports, repository, org, notices: deps.notices });
  const retention = new RetentionService({ records, clock, years: deps.policy.records });

  registerDashboardRoutes(http, auth);
  registerReportRoutes(http, { access, reports, org, accessLog });
  registerRecordsRoutes(http, { access, exports, retention, org, now: () => clock.now() });

  const metrics = new Metrics({ outboxCounts: () => deps.outbox.counts() });
  registerMetricsRoutes(http, metrics);
  instrumentRouter(deps.router, metrics);
  instrumentOutbox(deps.outbox, metrics);
  instrumentClockJobs(deps.jobs.agenda, JOB_NAMES.clockMilestone, metrics);
  deps.jobs.defineRecords({ digests, retention, clock });

  return {
    access,
    auth,
    reports,
    exports,
    digests,
    retention,
    accessLog,
    metrics,
    listening(port, host) {
      base = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
    },
    dashboardUrl: () => `${publicUrl()}/dashboard`,
  };
}
