// Suite 1 — a bot that is SIGKILLed at random points. Commands arrive over
// the console and all three platform endpoints, every delivery twice; the bot
// process is killed mid-run and started again on the same database. In the
// end every command is applied exactly once: each `open` made one ticket, each
// note appears once on its ticket — compared with what was sent.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Db } from 'mongodb';
import { FigureBook } from './harness/figures.js';
import { BotProcess, freePort } from './harness/processes.js';
import { Platforms, SPEAKERS, postConsole, type Delivery, type PlatformName } from './harness/platforms.js';
import { PROFILE, pick, seededRandom } from './harness/profile.js';
import { startSuiteDatabase, type SuiteDatabase } from './harness/database.js';
import { sendAllTwice } from './harness/workload.js';

const PLATFORMS: PlatformName[] = ['console', 'slack', 'teams', 'feishu'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let platforms: Platforms;
let database: SuiteDatabase;
let bot: BotProcess;
const book = new FigureBook('1-crash', 'SIGKILL at random points, every delivery twice');

beforeAll(async () => {
  platforms = await Platforms.start();
  database = await startSuiteDatabase('faults_crash');
  bot = new BotProcess(await freePort(), { ...platforms.env(), MONGODB_URI: database.uri, RATE_LIMIT_PER_MINUTE: '0' });
  await bot.start();
}, 120_000);

afterAll(async () => {
  await book.write();
  await bot?.kill();
  await database?.close();
  await platforms?.stop();
});

/** Opens the tickets the notes go to; returns their ids. */
async function openTargets(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await postConsole(bot.baseUrl, { user: 'grace.liu', text: `open Crash target ${i}` });
    const id = /T-\d+/.exec(JSON.stringify(res.body))?.[0];
    if (res.status !== 200 || !id) throw new Error(`could not open a target ticket: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(id);
  }
  return ids;
}

interface Expected {
  opens: string[];
  notes: Array<{ token: string; ticket: string }>;
}

/** How often each sent open title and note token is found in the stored tickets. */
async function appliedCounts(db: Db, expected: Expected): Promise<{ lost: string[]; twice: string[] }> {
  const tickets = await db.collection('tickets').find({}, { projection: { title: 1, timeline: 1 } }).toArray();
  const titles = new Map<string, number>();
  for (const t of tickets) titles.set(String(t.title), (titles.get(String(t.title)) ?? 0) + 1);
  const notes = new Map<string, number>();
  for (const t of tickets) {
    for (const event of (t.timeline ?? []) as Array<{ kind: string; details?: Record<string, unknown> }>) {
      const text = event.kind === 'note' ? String(event.details?.text ?? '') : '';
      const token = /flt-\d+-\d+/.exec(text)?.[0];
      if (token) notes.set(`${token}@${t._id}`, (notes.get(`${token}@${t._id}`) ?? 0) + 1);
    }
  }
  const lost: string[] = [];
  const twice: string[] = [];
  for (const title of expected.opens) {
    const n = titles.get(title) ?? 0;
    if (n === 0) lost.push(`open ${title}`);
    if (n > 1) twice.push(`open ${title} ×${n}`);
  }
  for (const { token, ticket } of expected.notes) {
    const n = notes.get(`${token}@${ticket}`) ?? 0;
    if (n === 0) lost.push(`note ${token} on ${ticket}`);
    if (n > 1) twice.push(`note ${token} on ${ticket} ×${n}`);
  }
  return { lost, twice };
}

describe('suite 1: the bot SIGKILLed at random points while every delivery arrives twice', () => {
  it('applies every acknowledged command exactly once', async () => {
    const random = seededRandom();
    book.seed = random.seed;
    const { commands, kills, tickets: targetCount } = PROFILE.crash;
    const targets = await openTargets(targetCount);
    const run = Date.now() % 100_000;
    const expected: Expected = { opens: [], notes: [] };
    const deliveries: Delivery[] = [];
    for (let i = 0; i < commands; i++) {
      const platform = PLATFORMS[i % PLATFORMS.length];
      const speaker = pick(random.next, SPEAKERS[platform]);
      const token = `flt-${run}-${i}`;
      let text: string;
      if (random.next() < 0.25) {
        text = `open Crash ${token}`;
        expected.opens.push(`Crash ${token}`);
      } else {
        const ticket = pick(random.next, targets);
        text = `note ${ticket} ${token}`;
        expected.notes.push({ token, ticket });
      }
      deliveries.push(platforms.command(platform, speaker, text, i >> 2));
    }

    // The killer: spread over the run, at a random moment within each stretch.
    let acknowledged = 0;
    const killTimes: number[] = [];
    const restartMs: number[] = [];
    let sending = true;
    const killer = (async () => {
      for (let k = 0; k < kills; k++) {
        const due = Math.floor(((k + 0.3 + random.next() * 0.6) / kills) * commands * 0.8);
        while (sending && acknowledged < due) await sleep(20);
        if (!sending) return;
        await sleep(random.next() * 300);
        await bot.kill('SIGKILL');
        killTimes.push(Date.now());
        const started = Date.now();
        await bot.start();
        restartMs.push(Date.now() - started);
      }
    })();
    const started = Date.now();
    const stats = await sendAllTwice(deliveries, { baseUrl: bot.baseUrl, concurrency: 6, onAcknowledged: (n) => (acknowledged = n) });
    sending = false;
    await killer;
    const sentMs = Date.now() - started;

    // Commands accepted by a killed process are finished by the restarted one (lease + recovery pass).
    const db = await database.db();
    const settleStarted = Date.now();
    let running = Infinity;
    while (Date.now() - settleStarted < 90_000) {
      running = await db.collection('deliveries').countDocuments({ status: 'running' });
      if (running === 0) break;
      await sleep(500);
    }
    const settledMs = Date.now() - settleStarted;
    const { lost, twice } = await appliedCounts(db, expected);
    const ids = deliveries.map((d) => d.id);
    const recorded = await db.collection('deliveries').countDocuments({ _id: { $in: ids as never[] }, status: 'done' });
    const resumed = await db.collection('deliveries').countDocuments({ _id: { $in: ids as never[] }, attempts: { $gt: 1 } });

    book.note('commands (console / Slack / Teams / Feishu)', commands);
    book.note('HTTP requests incl. duplicates and retries', stats.requests);
    book.note('bot SIGKILLs / restarts', `${killTimes.length} / ${bot.starts - 1}`);
    book.note('requests unanswered (bot down), retried', stats.unanswered);
    book.note('commands finished by another process after a kill', resumed);
    book.note('run time (s)', Math.round(sentMs / 1000));
    book.check('commands lost', lost.length, '= 0', lost.length === 0);
    book.check('commands applied twice', twice.length, '= 0', twice.length === 0);
    book.check('deliveries left unfinished', running, '= 0', running === 0);
    book.note('time to finish the last one after the run (s)', Math.round(settledMs / 1000));

    expect(killTimes).toHaveLength(kills);
    expect(stats.acknowledged).toBe(commands);
    expect(running).toBe(0);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    expect(recorded).toBe(commands);
  }, 30 * 60_000);
});
