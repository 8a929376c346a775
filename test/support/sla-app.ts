// The real app on a test database with the fast SLA policy (seconds-long
// clocks, test/fixtures/fast-policy.yaml) for the SLA scenario tests: start,
// stop and start again on the same database (a restart), a second app on the
// same database (two bot processes), and direct reads of the notification
// store to count what each milestone sent to whom.
import { Writable } from 'node:stream';
import type { Db, MongoClient } from 'mongodb';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/core/logger.js';
import type { Clock } from '../../src/core/clock.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { connectClient, startTestDatabase, type TestDatabase } from './mongo.js';
import { ConsoleClient, type InboxItem } from './console-client.js';

export const FAST_POLICY = 'test/fixtures/fast-policy.yaml';

/** What the fast policy gives an ordinary ticket (ms after it opened). */
export const FAST = {
  first_response: { target: 4000, reminder: 2000, breach: 4000, renags: [5000, 6000], escalate: 6000 },
  resolution: { target: 6000, reminder: 3000, breach: 6000, renags: [7000, 8000], escalate: 9000 },
} as const;

/** Milestone messages the clocks send (escalations are the two `ticket.escalated_*` messages with a `clock` param). */
export const MILESTONE_MESSAGES = ['clock.reminder', 'clock.breach', 'clock.breach_supervisor', 'clock.renag', 'ticket.escalated_to_you', 'ticket.escalated_notice'];

export interface StoredNotification {
  personId: string;
  ticketId?: string;
  message: string;
  params: Record<string, string | number>;
  createdAt: Date;
  dedupeKey?: string;
}

export interface AppInstance {
  app: RunningApp;
  client: ConsoleClient;
  baseUrl: string;
}

export interface SlaHarness {
  db: TestDatabase;
  /** A separate client on the app's database, for reading what the app stored. */
  mongo: Db;
  /** The current app (replaced by startAgain). */
  app: RunningApp;
  client: ConsoleClient;
  /** Error-level log lines of every app started here. */
  logs: string[];
  stopApp(): Promise<void>;
  /** Starts the app again on the same database (after stopApp: a restart). */
  startAgain(): Promise<void>;
  /** Another app on the same database, as a second bot process would be. */
  startAnother(): Promise<AppInstance>;
  /** Every person's inbox as the console shows it (up to 200 items, newest first). */
  inbox(user: string): Promise<InboxItem[]>;
  /** Stored notifications about a ticket, oldest first. */
  notifications(ticketId?: string): Promise<StoredNotification[]>;
  close(): Promise<void>;
}

export interface SlaHarnessOptions {
  prefix: string;
  clock?: Clock;
  jobPollMs?: number;
  policyFile?: string;
}

function logger(lines: string[]) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createLogger('error', sink);
}

function uriWithDb(uri: string, dbName: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?([^?]*)(\?.*)?$/.exec(uri);
  return m ? `${m[1]}/${m[2] || dbName}${m[3] ?? ''}` : uri;
}

export async function startSlaHarness(options: SlaHarnessOptions): Promise<SlaHarness> {
  const db = await startTestDatabase(options.prefix);
  const logs: string[] = [];
  const running: RunningApp[] = [];
  const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', MONGODB_URI: uriWithDb(db.uri, db.dbName), POLICY_FILE: options.policyFile ?? FAST_POLICY });
  const launch = async (): Promise<AppInstance> => {
    const app = await startApp(env, logger(logs), { clock: options.clock, jobPollMs: options.jobPollMs ?? 200 });
    running.push(app);
    const baseUrl = `http://127.0.0.1:${app.port}`;
    return { app, baseUrl, client: new ConsoleClient(baseUrl, app.adminToken) };
  };
  let client: MongoClient | undefined;
  let first: AppInstance;
  try {
    first = await launch();
    client = await connectClient(db.uri);
  } catch (err) {
    await Promise.allSettled(running.map((a) => a.stop()));
    await db.stop();
    throw err;
  }
  const mongo = client.db(db.dbName);
  const stopOne = async (app: RunningApp) => {
    const i = running.indexOf(app);
    if (i < 0) return;
    running.splice(i, 1);
    await app.stop();
  };

  const harness: SlaHarness = {
    db,
    mongo,
    app: first.app,
    client: first.client,
    logs,
    stopApp: () => stopOne(harness.app),
    async startAgain() {
      const next = await launch();
      harness.app = next.app;
      harness.client = next.client;
    },
    startAnother: launch,
    async inbox(user) {
      const res = await fetch(`${harness.client.baseUrl}/console/api/inbox?user=${encodeURIComponent(user)}&limit=200`);
      const body = (await res.json()) as { notifications?: InboxItem[]; error?: string };
      if (res.status !== 200) throw new Error(`inbox for ${user}: ${res.status} ${JSON.stringify(body)}`);
      return body.notifications ?? [];
    },
    async notifications(ticketId) {
      const filter = ticketId ? { ticketId } : {};
      return (await mongo.collection('notifications').find(filter).sort({ createdAt: 1, _id: 1 }).toArray()) as unknown as StoredNotification[];
    },
    async close() {
      await Promise.allSettled([...running].map((a) => stopOne(a)));
      await client?.close();
      await db.stop();
    },
  };
  return harness;
}

/** A milestone notification as `clock/milestone` (`resolution/renag-2`, `first_response/escalate`), or undefined for other messages. */
export function milestoneOf(n: StoredNotification): string | undefined {
  const clock = n.params.clock;
  if (typeof clock !== 'string' || !MILESTONE_MESSAGES.includes(n.message)) return undefined;
  const kind = n.message.startsWith('ticket.escalated') ? 'escalate' : n.message.slice('clock.'.length);
  return `${clock}/${kind}${kind === 'renag' ? `-${n.params.n}` : ''}`;
}

/** `person → ticket clock/milestone → count`, as `T-1 resolution/breach @zhang.wei` strings with their counts. */
export function countMilestones(rows: StoredNotification[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of rows) {
    const m = milestoneOf(n);
    if (!m) continue;
    const key = `${n.ticketId} ${m} (${n.message}) @${n.personId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Keys seen more than once (should be none). */
export function duplicates(counts: Map<string, number>): string[] {
  return [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Resolves at the given epoch ms (at once if it has passed). */
export const sleepUntil = (epochMs: number) => sleep(epochMs - Date.now());

/** Polls until `check` returns a value that is not undefined/false, or fails naming `what` and the last value seen. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** ms after `from` (a stored Date or ISO string). */
export const msAfter = (at: Date | string, from: Date | string) => new Date(at).getTime() - new Date(from).getTime();

/**
 * Escalations by the clocks, two ways: what the ticket's timeline records (`clock → person`, from the system's
 * escalate events) and what the notification store says was escalated to whom. They must be equal: every saved
 * escalation told its person once, and nobody was told of an escalation that was not saved.
 */
export function escalations(ticket: { timeline: Array<{ actorId: string; kind: string; details: Record<string, unknown> }> }, rows: StoredNotification[]) {
  const saved = ticket.timeline
    .filter((e) => e.kind === 'escalate' && e.actorId === 'system')
    .map((e) => `${String(e.details.reason).replace(/^sla:/, '')} → ${String(e.details.to)}`)
    .sort();
  const told = rows
    .filter((n) => n.message === 'ticket.escalated_to_you' && typeof n.params.clock === 'string')
    .map((n) => `${n.params.clock} → ${n.personId}`)
    .sort();
  return { saved, told };
}

/** Counts without the escalation notices (checked with `escalations`, whose order between clocks may vary). */
export function withoutEscalations(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].filter(([k]) => !/\/escalate /.test(k)));
}

/** `{ "<ticket> <clock>/<milestone> (<message>) @<person>": 1, … }` for the people given per milestone. */
export function expectedCounts(ticketId: string, entries: Array<[string, string, readonly string[]]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [milestone, message, people] of entries) for (const p of people) out[`${ticketId} ${milestone} (${message}) @${p}`] = 1;
  return out;
}

/** Every reminder, breach and re-nag of an unclaimed support ticket under the fast policy (queue: lead + on duty). */
export function unclaimedSupportCounts(ticketId: string): Record<string, number> {
  const queue = ['chen.jing', 'zhang.wei', 'sam.taylor'];
  const entries: Array<[string, string, readonly string[]]> = [];
  for (const clock of ['first_response', 'resolution']) {
    entries.push(
      [`${clock}/reminder`, 'clock.reminder', queue],
      [`${clock}/breach`, 'clock.breach', queue],
      [`${clock}/breach_supervisor`, 'clock.breach_supervisor', ['chen.jing']],
      [`${clock}/renag-1`, 'clock.renag', queue],
      [`${clock}/renag-2`, 'clock.renag', queue],
    );
  }
  return expectedCounts(ticketId, entries);
}

/** The same for a support ticket claimed by `owner` at once (first response stopped), without escalations. */
export function claimedSupportCounts(ticketId: string, owner: string, supervisor: string): Record<string, number> {
  return expectedCounts(ticketId, [
    ['resolution/reminder', 'clock.reminder', [owner]],
    ['resolution/breach', 'clock.breach', [owner]],
    ['resolution/breach_supervisor', 'clock.breach_supervisor', [supervisor]],
    ['resolution/renag-1', 'clock.renag', [owner]],
    ['resolution/renag-2', 'clock.renag', [owner]],
  ]);
}
