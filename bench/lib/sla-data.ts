// Test data for the `sla-clocks` suite, cloned from what the real app stores.
//
// One ticket is opened and claimed through the running app (makeTemplate);
// every other ticket, and the Agenda job JobRunner.schedule() saves for its
// resolution clock, is a copy of it with the clock set to fall due exactly
// when a run needs it, inserted in bulk. checkCloneAgainstEngine and the
// schedule() check in sla-clocks-precision.ts catch copies that drift from
// what the app stores.
import { ObjectId, type Db, type Document } from 'mongodb';
import type { BotProcess } from './bot.js';
import { DEFAULT_POLICY } from '../../src/sla/sla.policy.js';
import { nextMilestone, type ClockState } from '../../src/sla/clock.js';
import { CalendarRegistry } from '../../src/sla/calendar/index.js';
import { JOB_NAMES } from '../../jobs/job-names.js';

/** The suite's name: its metrics and profile files carry it, whichever of its files makes them. */
export const SUITE = 'sla-clocks';
const BATCH = 1_000;
export const CLOCK = 'resolution';
const REMIND_AT = DEFAULT_POLICY.reminders.at;
export const FIRST_NUMBER = 1_000;

export interface Template {
  /** A ticket opened and claimed through the real app (console), as stored. */
  ticket: Document;
  /** The Agenda job JobRunner.schedule() saved for its resolution clock, as stored. */
  job: Document;
}

/** Opens and claims one ticket through the running app and returns the stored ticket and its resolution job as templates. */
export async function makeTemplate(bot: BotProcess, db: Db): Promise<Template> {
  type Reply = { status: number; body: unknown };
  const opened = await bot.call<Reply>('console', { user: 'grace.liu', text: '/ticket open SLA bench template --priority P3' });
  const id = /\bT-\d+\b/.exec(JSON.stringify(opened.body))?.[0];
  if (opened.status !== 200 || !id) throw new Error(`opening the template ticket failed: ${JSON.stringify(opened).slice(0, 300)}`);
  const claimed = await bot.call<Reply>('console', { user: 'zhang.wei', text: `/ticket claim ${id}` });
  if (claimed.status !== 200) throw new Error(`claiming the template ticket failed: ${JSON.stringify(claimed).slice(0, 300)}`);
  const ticket = await db.collection('tickets').findOne({ _id: id as never });
  const job = await db.collection('agendaJobs').findOne({ name: JOB_NAMES.clockMilestone, 'data.ticketId': id, 'data.clock': CLOCK });
  const clock = (ticket?.clocks as Document[] | undefined)?.find((c) => c.name === CLOCK);
  if (!ticket || !job || clock?.status !== 'running' || !clock.next) throw new Error(`template ${id}: no running ${CLOCK} clock with a scheduled job`);
  if (ticket.departmentId !== 'support' || ticket.ownerId !== 'zhang.wei') throw new Error(`template ${id}: unexpected department/owner`);
  return { ticket, job };
}

function stoppedClock(c: Document): Document {
  const { next: _next, runningSince: _since, ...rest } = c;
  return { ...rest, status: 'stopped', stoppedAt: c.startedAt, seq: c.seq + 1 };
}

/** The resolution clock running so that its reminder (at REMIND_AT of the target) falls due exactly at `due`. */
export function clockDueAt(c: Document, due: Date): Document {
  const start = new Date(due.getTime() - Math.round(REMIND_AT * c.targetMs));
  return { ...c, status: 'running', startedAt: start, runningSince: start, usedMs: 0, pausedReasons: [], renags: 0, next: { kind: 'reminder', at: due, seq: c.seq } };
}

export function pausedClock(c: Document): Document {
  const { next: _next, runningSince: _since, ...rest } = c;
  return { ...rest, status: 'paused', pausedReasons: ['customer'], seq: c.seq + 1 };
}

/** A copy of the template ticket; only the resolution clock may run (other running clocks are stopped). */
export function cloneTicket(tpl: Template, n: number, resolution: (c: Document) => Document, patch: Document = {}): Document {
  const doc = structuredClone(tpl.ticket);
  doc._id = `T-${n}`;
  doc.number = n;
  doc.title = `SLA bench ticket ${n}`;
  doc.clocks = (doc.clocks as Document[]).map((c) => (c.name === CLOCK ? resolution(c) : c.status === 'running' ? stoppedClock(c) : c));
  const start = (doc.clocks as Document[]).find((c) => c.name === CLOCK)!.startedAt as Date;
  return { ...doc, createdAt: start, updatedAt: start, ...patch };
}

/** The job JobRunner.schedule() saves for the ticket's resolution clock (same fields, key and nextRunAt). */
export function cloneJob(tpl: Template, ticket: Document): Document {
  const { _id: _ignored, ...fields } = tpl.job;
  const c = (ticket.clocks as Document[]).find((x) => x.name === CLOCK)!;
  const seq = c.next.seq as number;
  return { _id: new ObjectId(), ...structuredClone(fields), data: { ticketId: ticket._id, clock: CLOCK, seq, key: `${ticket._id}:${CLOCK}:${seq}` }, nextRunAt: c.next.at };
}

/** insertMany in batches, two in flight (the client encodes one while the server stores the other). */
export async function insertAll(db: Db, coll: string, docs: Document[]): Promise<number> {
  const t = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const from = next;
      next += BATCH;
      await db.collection(coll).insertMany(docs.slice(from, from + BATCH), { ordered: true });
    }
  };
  await Promise.all([worker(), worker()]);
  return performance.now() - t;
}

export function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** The real clock engine must agree that the clone's reminder falls due at the instant we set. */
export function checkCloneAgainstEngine(ticket: Document): void {
  const calendars = new CalendarRegistry(Object.values(DEFAULT_POLICY.calendars));
  const c = (ticket.clocks as Document[]).find((x) => x.name === CLOCK)! as unknown as ClockState;
  const next = nextMilestone(c, calendars.get(c.calendarId), DEFAULT_POLICY.reminders);
  if (!next || next.kind !== 'reminder' || Math.abs(next.at.getTime() - c.next!.at.getTime()) > 1) {
    throw new Error(`clone clock disagrees with nextMilestone(): ${JSON.stringify(next)} vs ${JSON.stringify(c.next)}`);
  }
}
