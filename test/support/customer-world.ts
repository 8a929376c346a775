// The command side of the app with the customer directory and the case
// library wired as the composition root wires them (src/app.ts), on a fresh
// test database: the real router, commands, ticket service, SLA clocks and
// repositories — without HTTP, chat adapters or the job runner (milestone
// jobs are not needed here: tests read the clocks' targets and next
// milestones as saved). Commands are sent as console people would send them.
import type { Connection } from 'mongoose';
import type { Reply } from '../../src/core/card.js';
import { ManualClock } from '../../src/core/clock.js';
import type { InboundCommand } from '../../src/core/inbound.js';
import { demoOrgData } from '../../src/org/demo-org.js';
import { LiveOrg } from '../../src/org/live-org.js';
import { openDatabase, type DatabaseHandle } from '../../src/storage/connection.js';
import { OrgRepository } from '../../src/storage/org.repository.js';
import { MongoTicketRepository } from '../../src/storage/ticket.repository.js';
import { MongoNotificationStore } from '../../src/storage/notification.repository.js';
import { MongoDeliveryLog } from '../../src/storage/delivery.repository.js';
import { MongoCustomerRepository } from '../../src/storage/customer.repository.js';
import { MongoCustomerTickets } from '../../src/storage/customer-tickets.repository.js';
import { MongoCaseRepository } from '../../src/storage/case.repository.js';
import { NotifyingEffectSink } from '../../src/notifications/notification.effects.js';
import { DEFAULT_POLICY } from '../../src/sla/sla.policy.js';
import { CalendarRegistry } from '../../src/sla/calendar/index.js';
import { ClockKeeper } from '../../src/sla/clock-keeper.js';
import { viewClocks } from '../../src/sla/clock-view.js';
import { TicketService } from '../../src/tickets/ticket.service.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import { CustomerDirectory } from '../../src/customers/customer.service.js';
import { CaseLibrary } from '../../src/cases/case.library.js';
import { CommandRouter } from '../../conversations/router.js';
import { allCommands } from '../../conversations/commands/index.js';
import { createLogger } from '../../src/core/logger.js';
import { startTestDatabase, type TestDatabase } from './mongo.js';

export interface CustomerWorld {
  db: TestDatabase;
  database: DatabaseHandle;
  conn: Connection;
  clock: ManualClock;
  org: LiveOrg;
  keeper: ClockKeeper;
  tickets: MongoTicketRepository;
  ticketService: TicketService;
  customerRepo: MongoCustomerRepository;
  customers: CustomerDirectory;
  caseRepo: MongoCaseRepository;
  cases: CaseLibrary;
  notifications: MongoNotificationStore;
  router: CommandRouter;
  /** Types a command as a demo person (console). */
  say(user: string, text: string): Promise<Reply[]>;
  /** Clicks a card button as a demo person. */
  click(user: string, actionId: string, values: Record<string, string>): Promise<Reply[]>;
  ticket(id: string): Promise<Ticket>;
  stop(): Promise<void>;
}

function uriWithDb(uri: string, dbName: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?([^?]*)(\?.*)?$/.exec(uri);
  return m ? `${m[1]}/${m[2] || dbName}${m[3] ?? ''}` : uri;
}

let deliveries = 0;

export async function startCustomerWorld(prefix: string, start = '2026-03-02T02:00:00Z'): Promise<CustomerWorld> {
  const db = await startTestDatabase(prefix);
  const logger = createLogger('silent');
  const database = await openDatabase({ mongodbUri: uriWithDb(db.uri, db.dbName), logger });
  const conn = database.connection;
  const clock = new ManualClock(start);
  const orgRepo = new OrgRepository(conn);
  await orgRepo.seedIfEmpty(demoOrgData());
  const org = new LiveOrg(await orgRepo.load());
  const keeper = new ClockKeeper({ policy: DEFAULT_POLICY, calendars: new CalendarRegistry([]), org });

  // As in src/app.ts: the repositories, the case library following every ticket save, then the directory.
  const tickets = new MongoTicketRepository(conn);
  const notifications = new MongoNotificationStore(conn);
  const deliveryLog = new MongoDeliveryLog(conn);
  const customerRepo = new MongoCustomerRepository(conn);
  const caseRepo = new MongoCaseRepository(conn);
  await Promise.all([tickets.init(), notifications.init(), deliveryLog.init(), customerRepo.init(), caseRepo.init()]);
  const sink = new NotifyingEffectSink({ org, store: notifications, clock });
  const cases = new CaseLibrary({ repo: caseRepo, org, clock });
  const ticketService = new TicketService({
    tickets,
    org,
    clock,
    effects: sink,
    clocks: { keeper, scheduler: { schedule: async () => undefined }, outageActive: () => false },
    afterSave: async (ticket) => {
      await cases.follow(ticket);
    },
  });
  const customers = new CustomerDirectory({
    repo: customerRepo,
    drafts: customerRepo,
    tickets: ticketService,
    customerTickets: new MongoCustomerTickets(conn),
    org,
    clock,
    notify: (personIds, message, params, dedupeKey) => sink.deliverTo(personIds, { message, params, dedupeKey }),
  });
  const router = new CommandRouter({
    services: { tickets: ticketService, org, clock, clocksOf: (t) => viewClocks(t, keeper, clock.now()), customers, cases },
    commands: allCommands(),
    deliveries: deliveryLog,
    logger: { error: (obj, msg) => console.error(msg, obj) },
  });

  const inbound = (user: string): Omit<InboundCommand, 'kind' | 'via'> => {
    const person = org.person(user);
    if (!person) throw new Error(`no demo person ${user}`);
    return {
      actor: { platform: 'console', platformUserId: person.id, displayName: person.name, personId: person.id, locale: person.locale },
      conversation: { platform: 'console', conversationId: `console:${person.id}` },
      deliveryId: `test:${prefix}:${++deliveries}`,
      receivedAt: clock.now(),
    };
  };
  return {
    db,
    database,
    conn,
    clock,
    org,
    keeper,
    tickets,
    ticketService,
    customerRepo,
    customers,
    caseRepo,
    cases,
    notifications,
    router,
    say: (user, text) => router.handle({ ...inbound(user), kind: 'text', text, via: 'command' }),
    click: (user, actionId, values) => router.handle({ ...inbound(user), kind: 'action', action: { id: actionId, values }, via: 'button' }),
    async ticket(id) {
      const t = await tickets.get(id);
      if (!t) throw new Error(`no ticket ${id}`);
      return t;
    },
    async stop() {
      await database.close();
      await db.stop();
    },
  };
}

/** All reply texts, one per line. */
export const textOf = (replies: Reply[]) => replies.map((r) => r.text ?? '').filter(Boolean).join('\n');
/** The first ticket id a reply names. */
export const ticketIdOf = (replies: Reply[]) => /\bT-\d+\b/.exec(textOf(replies))?.[0];
