// The real app in this process on a test database (embedded, or MONGODB_URI),
// connected to the platform fakes — for suites that need no process to die.
import type { Db, MongoClient } from 'mongodb';
import type { Clock } from '../../../src/core/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { connectClient } from '../../support/mongo.js';
import { Platforms } from './platforms.js';

export interface InProcessBot {
  t: TestApp;
  platforms: Platforms;
  db: Db;
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startInProcessBot(prefix: string, options: { platforms?: Platforms; env?: Record<string, string>; clock?: Clock } = {}): Promise<InProcessBot> {
  const platforms = options.platforms ?? (await Platforms.start());
  const t = await startTestApp({ prefix, clock: options.clock, env: { ...platforms.env(), ...options.env } });
  let client: MongoClient | undefined;
  try {
    client = await connectClient(t.db.uri);
  } catch (err) {
    await t.stop();
    throw err;
  }
  return {
    t,
    platforms,
    db: client.db(t.db.dbName),
    baseUrl: t.baseUrl,
    async stop() {
      await client?.close();
      await t.stop();
      if (!options.platforms) await platforms.stop();
    },
  };
}

/** Documents in the collections a refused request must not touch. */
export async function storedCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['tickets', 'deliveries', 'outbox', 'notifications', 'conversation_refs', 'card_posts', 'penalties', 'appeals']) out[name] = await db.collection(name).countDocuments();
  return out;
}

/** Waits until nothing is left to send and no command is running (so counts stop moving). */
export async function quiet(db: Db, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Notifications not yet turned into outbox messages count too: the next outbox pass sends them.
    const busy =
      (await db.collection('outbox').countDocuments({ status: { $in: ['pending', 'sending'] } })) +
      (await db.collection('notifications').countDocuments({ dispatched: false })) +
      (await db.collection('deliveries').countDocuments({ status: 'running' }));
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`still busy after ${timeoutMs} ms: ${busy} messages or commands`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until no command is running (what the outbox still has to send may wait for its pace). */
export async function settled(db: Db, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await db.collection('deliveries').countDocuments({ status: 'running' })) > 0) {
    if (Date.now() > deadline) throw new Error(`commands still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Slack and Feishu answer before their command finishes; a moment for the last one to start.
  await new Promise((r) => setTimeout(r, 200));
}
