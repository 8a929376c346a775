// Duban as separate bot processes on one database, behind a load balancer:
// two processes, then three, take signed Slack slash commands picked at
// random (each delivery also sent a second time to another instance), while
// the SLA clocks of the tickets they open fall due. One process is SIGKILLed
// mid-run; the others take over its expired job locks, outbox leases and
// half-done commands. In the end every command is applied once, every card
// posted once, every milestone message sent once, and Slack's one message a
// second per channel holds for all processes together — measured at the fake
// Slack, which every process sends to.
//
// Size: SCALE_PROFILE=full (`npm run test:scale`) runs 1,000 commands (1,000
// clocks); `npm test` a CI size. SCALE_SEED repeats a run's random choices.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { waitFor } from '../../support/mongo.js';
import { seededRandom } from '../../faults/harness/profile.js';
import { Cluster, OUTBOX_LEASE_MS, PROFILE, agentSlackId, openCommand, sendTwice, type Instance, type SendStats } from './cluster.js';
import type { RecordedCall } from '../../doubles/fake-slack-api.js';
import { appliedCounts, directMessages, finished, inFlight, maxInWindow, minGap, postsByChannel, quiet, repeats, tallyMilestones, type NotificationRow } from './accounting.js';

const random = seededRandom(Number(process.env.SCALE_SEED ?? Date.now() % 1_000_000));
const run = randomBytes(2).toString('hex');
const half = Math.floor(PROFILE.commands / 2);
const stats: SendStats = { requests: 0, failedOver: 0, acknowledged: 0 };
const figures: Array<[string, string | number]> = [];
const note = (label: string, value: string | number) => figures.push([label, value]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: Cluster;
let commands: ReturnType<typeof openCommand>[];
let titles: string[];
let kill: { name: string; at: number } | undefined;

beforeAll(async () => {
  cluster = await Cluster.start();
  commands = Array.from({ length: PROFILE.commands }, (_, i) => openCommand(run, i, (id) => cluster.slack.responseUrl(id)));
  titles = commands.map((c) => c.title);
  await cluster.add(2);
}, 180_000);

afterAll(async () => {
  const width = Math.max(...figures.map(([label]) => label.length));
  const lines = figures.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  console.log(`scale-out, ${PROFILE.name} profile (seed ${random.seed}), bot processes on one database:\n${lines.join('\n')}`);
  await cluster?.stop();
}, 120_000);

/** Waits until every title sent has its ticket and no command is left half-done; returns how long that took. */
async function settled(what: string, sent: string[], timeoutMs: number): Promise<number> {
  const db = await cluster.db();
  const started = Date.now();
  await waitFor(async () => (await appliedCounts(db, sent)).lost.length === 0 && (await db.collection('deliveries').countDocuments({ status: 'running' })) === 0, { what, timeoutMs, intervalMs: 250 }).catch((err: Error) => {
    throw new Error(`${err.message}\n${cluster.logs()}`);
  });
  return Date.now() - started;
}

describe('bot processes on one database', () => {
  it('two processes: every command applied once when each delivery reaches two instances', async () => {
    const started = Date.now();
    await sendTwice(commands.slice(0, half), { live: () => cluster.live(), random: random.next, concurrency: PROFILE.concurrency, stats });
    await settled('the first half of the commands applied', titles.slice(0, half), 60_000);
    const { lost, twice } = await appliedCounts(await cluster.db(), titles.slice(0, half));
    note('2 processes: commands (each delivered twice)', `${half} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
  }, 240_000);

  it('three processes, one SIGKILLed mid-run: the others finish its work, nothing lost or doubled', async () => {
    const [third] = await cluster.add(1);
    const victim: Instance = cluster.instances[0];
    const db = await cluster.db();
    const rest = commands.slice(half);
    const killAfter = Math.floor(rest.length * 0.4);
    let acknowledged = 0;
    let sending = true;
    let takeoverMs = NaN;
    let snapshot: Awaited<ReturnType<typeof inFlight>> | undefined;
    // The killer: once 40 % of this half is acknowledged, while commands, cards and milestones are all in flight.
    const killer = (async () => {
      while (sending && acknowledged < killAfter) await sleep(20);
      await victim.bot.kill('SIGKILL');
      kill = { name: victim.name, at: Date.now() };
      snapshot = await inFlight(db);
      // Its job locks, outbox leases and command reservations run out; the survivors finish the work.
      await waitFor(() => finished(db, snapshot!), { what: 'the work in flight at the kill finished', timeoutMs: 120_000, intervalMs: 250 });
      takeoverMs = Date.now() - kill.at;
    })();
    const started = Date.now();
    await sendTwice(rest, { live: () => cluster.live(), random: random.next, concurrency: PROFILE.concurrency, stats, onAcknowledged: () => acknowledged++ });
    sending = false;
    await killer;
    await settled('every command applied', titles, 90_000);
    const { lost, twice } = await appliedCounts(db, titles);

    note(`3 processes (${third.name} added), ${victim.name} SIGKILLed after ${killAfter}`, `${rest.length} commands in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    note('commands sent / acknowledged', `${commands.length} / ${stats.acknowledged}`);
    note('HTTP requests (second copies, failovers)', `${stats.requests} (${stats.failedOver} failed over)`);
    note('commands applied once / lost / twice', `${commands.length - lost.length - twice.length} / ${lost.length} / ${twice.length}`);
    note('in flight at the kill (commands / jobs / messages)', `${snapshot!.deliveries.length} / ${snapshot!.jobs.length} / ${snapshot!.messages.length}`);
    note('kill → all of it finished by the others', `${(takeoverMs / 1000).toFixed(1)} s (outbox lease ${OUTBOX_LEASE_MS / 1000} s)`);
    expect(victim.bot.running).toBe(false);
    expect(stats.acknowledged).toBe(commands.length);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
  }, 600_000);

  it('posts every card once and sends every milestone message once', async () => {
    const db = await cluster.db();
    const titleOf = new Map<string, string>();
    for (const t of await db.collection('tickets').find({ title: { $in: titles } }, { projection: { title: 1 } }).toArray()) titleOf.set(String(t._id), String(t.title));
    const tickets = [...titleOf.keys()];
    const notifications = async () => (await db.collection('notifications').find({ ticketId: { $in: tickets } }, { projection: { personId: 1, ticketId: 1, message: 1 } }).toArray()) as unknown as NotificationRow[];
    const slackIdOf = (personId: string) => (/^a\d{3}$/.test(personId) ? agentSlackId(Number(personId.slice(1))) : undefined);
    // Every clock reminded and breached (the last one a target after its ticket opened), then nothing left to send.
    await waitFor(async () => tallyMilestones(await notifications(), [], slackIdOf, tickets).clocksFired === tickets.length, {
      what: 'every clock reminded and breached',
      timeoutMs: PROFILE.firstResponseSeconds * 1000 + 120_000,
      intervalMs: 500,
    });
    // Quiet twice, a second apart: a dispatch pass that had just read its notifications has sent them by then.
    const quietTwice = async () => (await quiet(db, tickets)) && (await sleep(1_000)) === undefined && (await quiet(db, tickets));
    await waitFor(quietTwice, { what: 'every message sent', timeoutMs: 180_000, intervalMs: 500 });
    const parked = await db.collection('outbox').countDocuments({ status: 'parked' });

    const calls = cluster.slack.calls;
    const sender = (c: RecordedCall) => cluster.sender(c);
    const channelOf = new Map(commands.map((c) => [c.title, c.channel]));
    const cards = new Map([...postsByChannel(calls)].filter(([channel]) => channel.startsWith(`C0S${run.toUpperCase()}`)));
    const cardRepeats = repeats(cards, sender, kill);
    // A ticket without its card, and how its command ended. A command the killed process had saved but not
    // answered is finished by another process with the ticket's card ("already done"), so none may be missing.
    const missingCards = await Promise.all(
      tickets
        .filter((t) => !cards.has(channelOf.get(titleOf.get(t)!)!))
        .map(async (t) => {
          const command = commands.find((c) => c.title === titleOf.get(t))!;
          const delivery = await db.collection('deliveries').findOne({ _id: `slack:cmd:T0TEST:${command.triggerId}` as never });
          const answer = JSON.stringify(delivery?.replies ?? []);
          return { text: `${t} in ${command.channel}: command ${delivery?.status} after ${delivery?.attempts} attempt(s), answered ${answer.slice(0, 160)}` };
        }),
    );
    // The same direct message received twice (same channel, same text): a repeat from the kill window is
    // counted apart (see `repeats`); everything else is compared strictly with what the database holds.
    const dms = directMessages(calls);
    const byText = new Map<string, RecordedCall[]>();
    for (const dm of dms) if (dm.ticketId) byText.set(`${dm.channel} ${String(dm.call.body.text)}`, [...(byText.get(`${dm.channel} ${String(dm.call.body.text)}`) ?? []), dm.call]);
    const dmRepeats = repeats(byText, sender, kill);
    const resent = new Set(dmRepeats.filter((r) => r.killWindow).flatMap((r) => r.extra));
    const tally = tallyMilestones(await notifications(), dms.filter((dm) => !resent.has(dm.call)), slackIdOf, tickets);
    const perInstance = new Map<string, number>();
    for (const c of calls) if (c.method === 'chat.postMessage') perInstance.set(sender(c), (perInstance.get(sender(c)) ?? 0) + 1);

    const cardsOnce = [...cards.values()].filter((c) => c.length === 1).length;
    note('cards posted once / missing / twice (in the kill window)', `${cardsOnce} / ${missingCards.length} / ${cardRepeats.length} (${cardRepeats.filter((r) => r.killWindow).length})`);
    note('commands the killed process saved, answered by another', (await db.collection('deliveries').countDocuments({ attempts: { $gt: 1 }, 'replies.text': /had already been done/ })) as number);
    note('clocks due (reminder and breach decided)', `${tally.clocksFired} of ${tickets.length}`);
    note('milestone messages sent once / decided', `${tally.sentOnce} / ${tally.decided}`);
    note('milestone messages lost / twice', `${tally.lost.length} / ${tally.twice.length}`);
    note('direct messages twice (in the kill window)', `${dmRepeats.length} (${resent.size})`);
    note('ticket messages to people: stored = received at Slack', `${tally.mismatched.length === 0 ? 'yes' : `no, ${tally.mismatched.length} differ`} (${dms.length} direct messages)`);
    note('messages per process (chat.postMessage)', [...perInstance].sort().map(([k, n]) => `${k} ${n}`).join(', '));

    expect(parked).toBe(0);
    expect(missingCards.map((m) => m.text)).toEqual([]);
    expect(tally.clocksFired).toBe(tickets.length);
    expect(tally.lost).toEqual([]);
    // A message handed to Slack by the killed process in its last instant, before it could record it as
    // sent, goes out again when its lease runs out (Slack has no idempotency key). Nothing else may repeat.
    expect(cardRepeats.filter((r) => !r.killWindow)).toEqual([]);
    expect(tally.twice).toEqual([]);
    expect(tally.mismatched).toEqual([]);
  }, 600_000);

  it('keeps one message a second per channel across the processes', async () => {
    const before = cluster.slack.calls.length;
    const channel = `C0PACE${run.toUpperCase()}`;
    const burst = Array.from({ length: 8 }, (_, i) => ({ ...openCommand(run, commands.length + i, (id) => cluster.slack.responseUrl(id)), channel }));
    const live = cluster.live();
    // A card every 150 ms, round the live instances: each one's outbox worker claims the card its own
    // command queued and wants to post it at once, so the processes queue for the one channel together.
    await Promise.all(
      burst.map(async (c, i) => {
        await sleep(i * 150);
        await sendTwice([c], { live: () => [live[i % live.length]], random: random.next, concurrency: 1, stats: { requests: 0, failedOver: 0, acknowledged: 0 } });
      }),
    );
    const paced = () => postsByChannel(cluster.slack.calls.slice(before)).get(channel) ?? [];
    await waitFor(() => paced().length >= burst.length, { what: 'the burst of cards in one channel', timeoutMs: 60_000 });
    const burstGap = minGap(new Map([[channel, paced()]]));
    const senders = new Set(paced().map((c) => cluster.sender(c)));
    // The whole run, every channel with two or more messages (cards and direct messages, sent by any
    // process while others were sending too). A slot is reserved a second apart, but the send that
    // follows can be held up by a busy event loop, so single gaps come out a little short on a loaded
    // machine; over ten seconds no channel may get more than eleven.
    const all = postsByChannel(cluster.slack.calls);
    const overall = minGap(all);
    const tenSeconds = maxInWindow(all, 10_000);
    note(`min gap, ${burst.length} cards into one channel from ${senders.size} processes`, `${burstGap.gapMs} ms`);
    note('whole run: min gap / most in any 10 s, any channel', `${overall.gapMs} ms / ${tenSeconds.count} (${overall.pairs} consecutive pairs)`);
    // Slack allows about one message a second into a channel. Slots are reserved a second apart; the
    // sends behind them wake on timers of busy processes, so allow 100 ms of jitter (without the shared
    // pace the processes would post these within a few ms of each other).
    expect(burstGap.gapMs).toBeGreaterThanOrEqual(900);
    expect(tenSeconds.count).toBeLessThanOrEqual(11);
  }, 120_000);
});
