// The composition root: wires the concrete pieces together. main.ts runs it
// as a process; tests run it in-process with their own environment.
import { randomBytes } from 'node:crypto';
import type { Env } from './config/env.js';
import type { Logger } from './core/logger.js';
import { systemClock, type Clock } from './core/clock.js';
import { openDatabase, type DatabaseHandle } from './storage/connection.js';
import { createHttpServer } from './http/server.js';
import { registerHealthRoutes } from './http/health.routes.js';
import { registerApiRoutes } from './http/api.routes.js';
import { OrgRepository } from './storage/org.repository.js';
import { MongoNotificationStore } from './storage/notification.repository.js';
import { MongoDeliveryLog } from './storage/delivery.repository.js';
import { demoOrgData } from './org/demo-org.js';
import { loadOrgFile } from './org/org.loader.js';
import { LiveOrg } from './org/live-org.js';
import { OrgRefresher } from './org/org-refresh.js';
import { TicketService } from './tickets/ticket.service.js';
import { NotifyingEffectSink } from './notifications/notification.effects.js';
import { CommandRouter } from '../conversations/router.js';
import { allCommands } from '../conversations/commands/index.js';
import { registerConsoleRoutes } from '../adapters/console/console.routes.js';
import { loadPolicy } from './config/policy.loader.js';
import { CalendarRegistry } from './sla/calendar/index.js';
import { ClockKeeper } from './sla/clock-keeper.js';
import { ClockService } from './sla/clock.service.js';
import { viewClocks } from './sla/clock-view.js';
import { MongoOutageLog } from './storage/outage.repository.js';
import { JobRunner } from '../jobs/job-runner.js';
import { MongoPenaltyRepository } from './storage/penalty.repository.js';
import { AccountabilityService } from './accountability/accountability.service.js';
import { AppealService } from './accountability/appeal.service.js';
import { ScorecardService } from './accountability/scorecard.service.js';
import type { Ticket } from './tickets/ticket.types.js';
import type { Person } from './org/org.types.js';
import { notificationCard, OutboxReplyRenderer } from '../conversations/render/outbox.render.js';
import { openFormCard } from '../conversations/render/open-form.card.js';
import { homeCards } from '../conversations/render/home.view.js';
import { ResilientCardPostStore, ResilientOutboxStore } from './reliability/resilient-outbox.js';
import { InboxRecovery } from './reliability/inbox-recovery.js';
import { SlidingWindowRateLimit } from './reliability/rate-limit.js';
import { catchUpClocks } from './reliability/catch-up.js';
import { WriteTrackingTicketRepository } from './reliability/command-writes.js';
import { MongoPaceKeeper } from './storage/pace.repository.js';
import { MongoCustomerRepository } from './storage/customer.repository.js';
import { MongoCustomerTickets } from './storage/customer-tickets.repository.js';
import { MongoCaseRepository } from './storage/case.repository.js';
import { CustomerDirectory } from './customers/customer.service.js';
import { CaseLibrary } from './cases/case.library.js';
import { MongoConversationStore } from './storage/chat-state.repository.js';
import { createChat, type Chat } from './chat.js';
import { createReporting, type Reporting } from './reporting.js';
import { measuredCommand } from './metrics/instrument.js';
import type { DashboardCommandServices } from '../conversations/commands/dashboard.command.js';

export interface RunningApp {
  port: number;
  database: DatabaseHandle;
  router: CommandRouter;
  org: LiveOrg;
  clocks: ClockService;
  jobs: JobRunner;
  chat: Chat;
  /** The token guarding the admin API (generated when ADMIN_TOKEN is not set). */
  adminToken: string;
  consoleUrl?: string;
  /** The dashboard, reports, exports, records retention, digests and metrics. */
  reporting: Reporting;
  /** Finishes commands left half-done by a stopped process (runs at start and every few seconds). */
  inbox: InboxRecovery;
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  /** Agenda's scan interval (ms); tests shorten it. */
  jobPollMs?: number;
  /** Commands per person per minute (main.ts: RATE_LIMIT_PER_MINUTE, default 30); unlimited when absent or 0. */
  rateLimitPerMinute?: number;
}

function platformConfigured(env: Env): boolean {
  return !!(env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN || env.MICROSOFT_APP_ID || env.FEISHU_APP_ID);
}

export async function startApp(env: Env, logger: Logger, options: AppOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const database = await openDatabase({ mongodbUri: env.MONGODB_URI, dataDir: env.DATA_DIR, logger });
  try {
    return await wire(env, logger, clock, database, options);
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

async function wire(env: Env, logger: Logger, clock: Clock, database: DatabaseHandle, options: AppOptions): Promise<RunningApp> {
  const conn = database.connection;
  // Policy and calendars first: a bad POLICY_FILE stops start-up before anything else happens.
  const policy = loadPolicy(env.POLICY_FILE);
  const calendars = new CalendarRegistry(Object.values(policy.calendars));
  const year = clock.now().getUTCFullYear();
  for (const warning of calendars.coverageWarnings([year, year + 1])) logger.warn(warning);
  const orgRepo = new OrgRepository(conn);
  if (env.ORG_FILE) {
    await orgRepo.replaceAll(loadOrgFile(env.ORG_FILE));
    logger.info({ file: env.ORG_FILE }, 'organisation loaded from ORG_FILE');
  } else if ((await orgRepo.seedIfEmpty(demoOrgData())) === 'seeded') {
    logger.info('no ORG_FILE: seeded the demo organisation');
  }
  const initialOrg = await orgRepo.load();
  const org = new LiveOrg(initialOrg);
  // Other instances sharing the database may change the directory: reload when its version moves.
  const orgRefresh = new OrgRefresher({ source: orgRepo, replace: (next) => org.replace(next), logger }, initialOrg.version);
  const reloadOrg = async () => {
    const next = await orgRepo.load();
    org.replace(next);
    orgRefresh.loaded(next.version);
  };

  // Tells the router whether a command's ticket change was saved before the database went away.
  const tickets = new WriteTrackingTicketRepository(conn);
  const notifications = new MongoNotificationStore(conn);
  const deliveries = new MongoDeliveryLog(conn);
  const outages = new MongoOutageLog(conn);
  const ledger = new MongoPenaltyRepository(conn);
  const outbox = new ResilientOutboxStore(conn);
  const cardPosts = new ResilientCardPostStore(conn);
  const conversations = new MongoConversationStore(conn);
  const customerRepo = new MongoCustomerRepository(conn);
  const caseRepo = new MongoCaseRepository(conn);
  await Promise.all([tickets.init(), notifications.init(), deliveries.init(), outages.init(), ledger.init(), outbox.init(), cardPosts.init(), customerRepo.init(), caseRepo.init()]);
  // Filled once the chat side is wired (below); ticket saves before that have no cards to update.
  const wired: { chat?: Chat } = {};

  const keeper = new ClockKeeper({ policy, calendars, org });
  const sink = new NotifyingEffectSink({ org, store: notifications, clock });
  const accountability = new AccountabilityService({ penalties: ledger, keeper, org, clock, notices: sink });
  const jobs = new JobRunner(conn.db!, logger, { processEveryMs: options.jobPollMs });
  const appeals = new AppealService({ penalties: ledger, tickets, keeper, org, clock, notices: sink, scheduler: jobs });
  // The ledger follows every saved change; a failure is logged and healed by the next save or milestone.
  const cases = new CaseLibrary({ repo: caseRepo, org, clock });
  const afterSave = async (ticket: Ticket) => {
    await accountability.reconcile(ticket).catch((err) => logger.error({ err, ticketId: ticket.id }, 'penalty ledger update failed'));
    await cases.follow(ticket).catch((err) => logger.error({ err, ticketId: ticket.id }, 'case library update failed'));
    await wired.chat?.ticketSaved(ticket).catch((err) => logger.error({ err, ticketId: ticket.id }, 'ticket card update failed'));
  };
  const clockService = new ClockService({
    tickets,
    keeper,
    org,
    clock,
    notices: sink,
    scheduler: jobs,
    onError: (err, ticketId) => logger.error({ err, ticketId }, 'clock milestone failed'),
    afterSave,
  });
  const scorecards = new ScorecardService({
    policy,
    org,
    ticketsUpdatedBetween: (from, to) => tickets.updatedBetween(from, to),
    penaltiesCreatedBetween: (from, to) => ledger.createdBetween(from, to),
    notices: sink,
  });
  jobs.define(clockService, appeals, scorecards);
  const ticketService = new TicketService({
    tickets,
    org,
    clock,
    effects: sink,
    clocks: { keeper, scheduler: jobs, outageActive: () => !!outages.active() },
    afterSave,
  });
  const customers = new CustomerDirectory({
    repo: customerRepo,
    drafts: customerRepo,
    tickets: ticketService,
    customerTickets: new MongoCustomerTickets(conn),
    org,
    clock,
    notify: (personIds, message, params, dedupeKey) =>
      sink.deliverTo(personIds, { message, params, dedupeKey }).catch((err) => logger.error({ err }, 'customer notice failed')),
  });
  const clocksOf = (ticket: Parameters<typeof viewClocks>[0]) => viewClocks(ticket, keeper, clock.now());
  const linkIdentity = async (personId: string, platform: Person['identities'][number]['platform'], userId: string) => {
    await orgRepo.linkIdentity(personId, { platform, userId });
    await reloadOrg();
  };
  const router = new CommandRouter({
    services: {
      tickets: ticketService,
      org,
      clock,
      clocksOf,
      clockService,
      outages,
      ledger,
      appeals,
      linkIdentity,
      customers,
      cases,
      // Only the dashboard command uses it; the reporting side is wired below, before any command runs.
      ...({ dashboardLinks: { issueLink: (personId: string) => reporting.auth.issueLink(personId) } } satisfies Partial<DashboardCommandServices>),
      setDepartmentHome: async (departmentId, home) => {
        await orgRepo.setDepartmentHome(departmentId, home);
        await reloadOrg();
      },
    },
    commands: allCommands().map(measuredCommand),
    deliveries,
    logger,
    ...(options.rateLimitPerMinute ? { rateLimit: new SlidingWindowRateLimit(options.rateLimitPerMinute, clock) } : {}),
    resync: async (ticketId) => {
      const ticket = await tickets.get(ticketId);
      if (ticket) await afterSave(ticket);
    },
  });

  const adminToken = env.ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  let shuttingDown = false;
  const http = createHttpServer(logger);
  registerHealthRoutes(http, { ping: () => database.ping(), isShuttingDown: () => shuttingDown });
  const reporting = await createReporting({ conn, http, org, clock, policy, logger, adminToken, clocksOf, notices: sink, router, outbox, jobs, ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}) });
  registerApiRoutes(http, { token: adminToken, tickets, org, outbox, access: reporting.access });

  // The console is the default front end when no chat platform is configured;
  // next to a real platform it must be asked for and is guarded by the admin token.
  const renderDeps = { org, ticket: async (id: string) => (await tickets.get(id)) ?? undefined, notification: (id: string) => notifications.get(id), ledger, clocksOf };
  const chat = await createChat({
    env,
    logger,
    clock,
    http,
    org,
    outbox,
    posts: cardPosts,
    conversations,
    notifications,
    renderer: new OutboxReplyRenderer(renderDeps),
    pace: new MongoPaceKeeper(conn),
    ticket: renderDeps.ticket,
    handle: (inbound) => router.handle(inbound),
    linkIdentity,
    openForm: (locale, prefill) => openFormCard(locale, prefill),
    homeFor: (person) => homeCards({ tickets: ticketService, org, clock, clocksOf, ledger }, person, person.locale),
  });
  wired.chat = chat;
  notifications.onAdded = () => chat.worker.kick();
  outbox.adapters = chat.adapters;
  outbox.logger = logger;
  const inbox = new InboxRecovery({
    log: deliveries,
    recover: (inbound, applied, ticketId) => router.recover(inbound, applied, ticketId),
    outbox,
    canSend: (platform) => chat.adapters.has(platform),
    kick: () => chat.worker.kick(),
    clock,
    logger,
  });

  const platforms = platformConfigured(env);
  const consoleEnabled = env.CONSOLE_ENABLED === 'true' || (!platforms && env.CONSOLE_ENABLED !== 'false');
  if (consoleEnabled) {
    const cardFor = (n: Parameters<typeof notificationCard>[0], person: Person) => notificationCard(n, person, renderDeps);
    registerConsoleRoutes(http, { router, org, notifications, tickets: ticketService, clock, clocksOf, cardFor, token: platforms ? adminToken : undefined });
  }

  await jobs.start();
  const port = await http.listen(env.PORT, env.HOST);
  reporting.listening(port, env.HOST);
  await chat.start();
  orgRefresh.start();
  // Commands a stopped process accepted but did not finish are run now, then checked for every few seconds.
  inbox.start();
  // Catch up at once on milestones missed while the bot was down.
  void catchUpClocks(clockService, logger).catch((err) => logger.error({ err }, 'start-up clock sweep failed'));

  const base = `http://localhost:${port}`;
  const consoleUrl = consoleEnabled ? `${base}/console${platforms ? `?token=${adminToken}` : ''}` : undefined;
  logger.info({ port }, `Duban is listening on ${base} (health: /healthz, readiness: /readyz)`);
  if (consoleUrl) logger.info(`Open the console: ${consoleUrl}`);
  logger.info(`Dashboard: ${reporting.dashboardUrl()} (sign in with /ticket dashboard in chat, or the admin token)`);
  if (!env.ADMIN_TOKEN) logger.info(`Admin API token for this run (set ADMIN_TOKEN to fix it): ${adminToken}`);

  return {
    port,
    database,
    router,
    org,
    clocks: clockService,
    jobs,
    chat,
    adminToken,
    consoleUrl,
    inbox,
    reporting,
    async stop() {
      shuttingDown = true;
      await http.close();
      await inbox.stop();
      await orgRefresh.stop();
      await chat.stop();
      await jobs.stop();
      await database.close();
    },
  };
}
