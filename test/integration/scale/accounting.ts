// Counting what the scale-out test compares: tickets in the database against
// the commands sent, card posts and direct messages the fake Slack received
// against the tickets and notifications stored, the gaps between messages to
// one channel, and the work a killed instance left behind.
import type { Db } from 'mongodb';
import type { RecordedCall } from '../../doubles/fake-slack-api.js';

/** Titles sent that made no ticket, or more than one. */
export async function appliedCounts(db: Db, titles: string[]): Promise<{ lost: string[]; twice: string[] }> {
  const wanted = new Set(titles);
  const seen = new Map<string, number>();
  for (const t of await db.collection('tickets').find({}, { projection: { title: 1 } }).toArray()) {
    const title = String(t.title);
    if (wanted.has(title)) seen.set(title, (seen.get(title) ?? 0) + 1);
  }
  return {
    lost: titles.filter((t) => !seen.has(t)),
    twice: [...seen].filter(([, n]) => n > 1).map(([t, n]) => `${t} ×${n}`),
  };
}

/** Posts of a new message (not threaded replies) into each channel. */
export function postsByChannel(calls: RecordedCall[]): Map<string, RecordedCall[]> {
  const out = new Map<string, RecordedCall[]>();
  for (const c of calls) {
    if (c.method !== 'chat.postMessage' || c.body.thread_ts) continue;
    const channel = String(c.body.channel);
    out.set(channel, [...(out.get(channel) ?? []), c]);
  }
  return out;
}

/** What a direct message says, by the English message texts (conversations/messages/en.ts). */
export function milestoneKind(text: string): string | undefined {
  if (/clock has .* left/.test(text)) return 'reminder';
  if (/in your team missed its/.test(text)) return 'breach_supervisor';
  if (/is overdue: it missed its/.test(text)) return 'breach';
  if (/Still overdue \(reminder/.test(text)) return 'renag';
  return undefined;
}

const MILESTONE_MESSAGES: Record<string, string> = { 'clock.reminder': 'reminder', 'clock.breach': 'breach', 'clock.breach_supervisor': 'breach_supervisor', 'clock.renag': 'renag' };

export interface DirectMessage {
  call: RecordedCall;
  channel: string;
  ticketId?: string;
  kind?: string;
}

export function directMessages(calls: RecordedCall[]): DirectMessage[] {
  return calls
    .filter((c) => c.method === 'chat.postMessage' && String(c.body.channel).startsWith('D'))
    .map((call) => {
      const text = `${String(call.body.text ?? '')} ${JSON.stringify(call.body.blocks ?? '')}`;
      return { call, channel: String(call.body.channel), ticketId: /T-\d+/.exec(text)?.[0], kind: milestoneKind(text) };
    });
}

export interface NotificationRow {
  personId: string;
  ticketId?: string;
  message: string;
}

export interface MilestoneTally {
  /** Tickets whose reminder and breach were both decided (stored as notifications). */
  clocksFired: number;
  /** Milestone messages the clocks decided on (stored), to people on Slack. */
  decided: number;
  /** Of those, received by the fake Slack exactly once. */
  sentOnce: number;
  lost: string[];
  /** `channel ticket kind ×n` for milestone messages received more than once. */
  twice: string[];
  /** Any ticket notification (milestone or not) whose count at Slack differs from the store. */
  mismatched: string[];
}

/**
 * Compares the notifications the database holds with the direct messages Slack received: per person and
 * ticket the same number, and each milestone message (reminder, breach…) of a ticket exactly once.
 */
export function tallyMilestones(rows: NotificationRow[], dms: DirectMessage[], slackIdOf: (personId: string) => string | undefined, tickets: string[]): MilestoneTally {
  const stored = new Map<string, number>();
  const storedMilestones = new Map<string, number>();
  const fired = new Map<string, Set<string>>();
  for (const n of rows) {
    if (!n.ticketId) continue;
    const kind = MILESTONE_MESSAGES[n.message];
    if (kind) fired.set(n.ticketId, (fired.get(n.ticketId) ?? new Set()).add(kind));
    const slackId = slackIdOf(n.personId);
    if (!slackId) continue;
    const channel = `D${slackId.replace(/^U/, '')}`;
    stored.set(`${channel} ${n.ticketId}`, (stored.get(`${channel} ${n.ticketId}`) ?? 0) + 1);
    if (kind) storedMilestones.set(`${channel} ${n.ticketId} ${kind}`, (storedMilestones.get(`${channel} ${n.ticketId} ${kind}`) ?? 0) + 1);
  }
  const received = new Map<string, number>();
  const receivedMilestones = new Map<string, number>();
  for (const dm of dms) {
    if (!dm.ticketId) continue;
    received.set(`${dm.channel} ${dm.ticketId}`, (received.get(`${dm.channel} ${dm.ticketId}`) ?? 0) + 1);
    if (dm.kind) receivedMilestones.set(`${dm.channel} ${dm.ticketId} ${dm.kind}`, (receivedMilestones.get(`${dm.channel} ${dm.ticketId} ${dm.kind}`) ?? 0) + 1);
  }
  const lost: string[] = [];
  const twice: string[] = [];
  let sentOnce = 0;
  let decided = 0;
  for (const [key, n] of storedMilestones) {
    decided += n;
    const got = receivedMilestones.get(key) ?? 0;
    if (n > 1) twice.push(`${key} decided ×${n}`);
    if (got === 0) lost.push(key);
    else if (got > 1) twice.push(`${key} ×${got}`);
    else sentOnce++;
  }
  for (const [key, got] of receivedMilestones) if (!storedMilestones.has(key)) twice.push(`${key} ×${got} (never decided)`);
  const mismatched: string[] = [];
  for (const key of new Set([...stored.keys(), ...received.keys()])) {
    if ((stored.get(key) ?? 0) !== (received.get(key) ?? 0)) mismatched.push(`${key}: stored ${stored.get(key) ?? 0}, received ${received.get(key) ?? 0}`);
  }
  const clocksFired = tickets.filter((t) => fired.get(t)?.has('reminder') && fired.get(t)?.has('breach')).length;
  return { clocksFired, decided, sentOnce, lost, twice, mismatched };
}

/** The smallest gap (ms) between two consecutive messages to one channel, over all channels with two or more. */
export function minGap(byChannel: Map<string, RecordedCall[]>): { gapMs: number; channel?: string; pairs: number } {
  let best = { gapMs: Infinity, channel: undefined as string | undefined, pairs: 0 };
  for (const [channel, calls] of byChannel) {
    const times = calls.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) {
      best.pairs++;
      if (times[i] - times[i - 1] < best.gapMs) best = { ...best, gapMs: times[i] - times[i - 1], channel };
    }
  }
  return best;
}

export interface Repeat {
  key: string;
  /** The first copy came from the killed instance just before it died, the others from another after. */
  killWindow: boolean;
  /** The copies after the first. */
  extra: RecordedCall[];
}

/**
 * Messages received more than once. A message the killed instance handed to Slack in its last moments,
 * before it could record it as sent, is sent again when its lease runs out: Slack's API has no
 * idempotency key, so that window is the one place a crash can repeat a message.
 */
export function repeats(byKey: Map<string, RecordedCall[]>, sender: (c: RecordedCall) => string, kill?: { name: string; at: number }, windowMs = 2_000): Repeat[] {
  const out: Repeat[] = [];
  for (const [key, calls] of byKey) {
    if (calls.length < 2) continue;
    const [first, ...extra] = [...calls].sort((a, b) => a.at - b.at);
    const killWindow = !!kill && extra.length === 1 && sender(first) === kill.name && first.at <= kill.at && first.at >= kill.at - windowMs && extra[0].at > kill.at;
    out.push({ key, killWindow, extra });
  }
  return out;
}

/** Ids of the work in flight when an instance was killed: commands running, milestone jobs locked, messages leased. */
export async function inFlight(db: Db): Promise<{ deliveries: string[]; jobs: unknown[]; messages: unknown[] }> {
  const [deliveries, jobs, messages] = await Promise.all([
    db.collection('deliveries').find({ status: 'running' }, { projection: { _id: 1 } }).toArray(),
    db.collection('agendaJobs').find({ name: 'clock.milestone', lockedAt: { $ne: null } }, { projection: { _id: 1 } }).toArray(),
    db.collection('outbox').find({ status: 'sending' }, { projection: { _id: 1 } }).toArray(),
  ]);
  return { deliveries: deliveries.map((d) => String(d._id)), jobs: jobs.map((j) => j._id), messages: messages.map((m) => m._id) };
}

/** True when every item of a snapshot is finished: commands done, jobs run (removed), messages sent. */
export async function finished(db: Db, snapshot: Awaited<ReturnType<typeof inFlight>>): Promise<boolean> {
  const [running, locked, unsent] = await Promise.all([
    db.collection('deliveries').countDocuments({ _id: { $in: snapshot.deliveries as never[] }, status: { $ne: 'done' } }),
    db.collection('agendaJobs').countDocuments({ _id: { $in: snapshot.jobs as never[] }, lastFinishedAt: { $exists: false } }),
    db.collection('outbox').countDocuments({ _id: { $in: snapshot.messages as never[] }, status: { $ne: 'sent' } }),
  ]);
  return running + locked + unsent === 0;
}

/** The most messages any one channel received within `windowMs` (a rolling window). */
export function maxInWindow(byChannel: Map<string, RecordedCall[]>, windowMs: number): { count: number; channel?: string } {
  let best = { count: 0, channel: undefined as string | undefined };
  for (const [channel, calls] of byChannel) {
    const times = calls.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j] - times[i] >= windowMs) i++;
      if (j - i + 1 > best.count) best = { count: j - i + 1, channel };
    }
  }
  return best;
}

/**
 * True when the tickets' clocks have nothing left to do in the next minute (their milestone and
 * re-grade jobs ran and were removed) and every notification went out through the outbox.
 */
export async function quiet(db: Db, tickets: string[]): Promise<boolean> {
  const soon = new Date(Date.now() + 60_000);
  const [jobs, undispatched, unsent] = await Promise.all([
    db.collection('agendaJobs').countDocuments({ name: { $in: ['clock.milestone', 'penalty.regrade'] }, 'data.ticketId': { $in: tickets }, nextRunAt: { $lte: soon } }),
    db.collection('notifications').countDocuments({ dispatched: false }),
    db.collection('outbox').countDocuments({ status: { $in: ['pending', 'sending'] } }),
  ]);
  return jobs + undispatched + unsent === 0;
}
