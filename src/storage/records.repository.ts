// Records retention on MongoDB: which tickets are kept longer (an admin's
// flag, in its own collection so a ticket save can never drop it), which
// closed tickets are due, and the anonymising writes — each conditional, so a
// second run (or a ticket saved meanwhile) changes nothing twice.
import type { Collection, Connection } from 'mongoose';
import type { Appeal } from '../accountability/appeal.types.js';
import type { Penalty } from '../accountability/penalty.types.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { CASE_LIBRARY_STAMP } from './case.repository.js';
import { ANONYMISED, ANONYMISED_TITLE, anonymiseAppeal, anonymisePenalty, type AnonymisedTicket } from '../records/anonymise.js';

export interface RetentionFlag {
  ticketId: string;
  /** Years kept after closing when flagged (the default period needs no flag). */
  years: number;
  by: string;
  at: Date;
  reason: string;
}

/** Drops undefined fields all the way down (the driver would store them as null). */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, clean(v)])) as T;
  }
  return value;
}

export class MongoRecordsRepository {
  private readonly tickets: Collection;
  private readonly flags: Collection;
  private readonly penalties: Collection;
  private readonly appeals: Collection;
  private readonly notifications: Collection;
  private readonly cases: Collection;
  private readonly counters: Collection;

  constructor(conn: Connection) {
    this.tickets = conn.collection('tickets');
    this.flags = conn.collection('ticket_retention');
    this.penalties = conn.collection('penalties');
    this.appeals = conn.collection('appeals');
    this.notifications = conn.collection('notifications');
    this.cases = conn.collection('cases');
    this.counters = conn.collection('counters');
  }

  async init(): Promise<void> {
    await Promise.all([
      this.tickets.createIndex({ state: 1, closedAt: 1 }, { name: 'records_closed' }),
      this.appeals.createIndex({ ticketId: 1 }, { name: 'records_appeal_ticket' }),
      this.notifications.createIndex({ ticketId: 1 }, { name: 'records_notification_ticket', sparse: true }),
    ]);
  }

  async setFlag(flag: RetentionFlag): Promise<void> {
    const { ticketId, ...rest } = flag;
    await this.flags.updateOne({ _id: String(ticketId) } as never, { $set: rest }, { upsert: true });
  }

  async clearFlag(ticketId: string): Promise<void> {
    await this.flags.deleteOne({ _id: String(ticketId) } as never);
  }

  async flag(ticketId: string): Promise<RetentionFlag | undefined> {
    const doc = await this.flags.findOne({ _id: String(ticketId) } as never);
    if (!doc) return undefined;
    const { _id, ...rest } = doc as Record<string, unknown>;
    return { ticketId: String(_id), ...(rest as Omit<RetentionFlag, 'ticketId'>) };
  }

  /** Years each of `ticketIds` is kept, for the flagged ones. */
  async flaggedYears(ticketIds: string[]): Promise<Map<string, number>> {
    if (!ticketIds.length) return new Map();
    const docs = await this.flags.find({ _id: { $in: ticketIds.map(String) } } as never).toArray();
    return new Map(docs.map((d) => [String(d._id), Number(d.years)]));
  }

  /** Ids and closing times of closed tickets not yet anonymised that closed at or before `cutoff`. */
  async closedBefore(cutoff: Date): Promise<Array<{ id: string; closedAt: Date }>> {
    const docs = await this.tickets
      .find({ state: 'closed', closedAt: { $lte: cutoff }, anonymisedAt: { $exists: false } }, { projection: { _id: 1, closedAt: 1 } })
      .sort({ closedAt: 1 })
      .toArray();
    return docs.map((d) => ({ id: String(d._id), closedAt: new Date(d.closedAt) }));
  }

  async ticket(id: string): Promise<Ticket | undefined> {
    const doc = await this.tickets.findOne({ _id: String(id) } as never);
    if (!doc) return undefined;
    const { _id, ...rest } = doc as Record<string, unknown>;
    return { id: String(_id), ...rest } as Ticket;
  }

  /** Saves the anonymised ticket only if nobody saved it meanwhile and it is still closed and not yet anonymised. */
  async replaceTicket(anonymised: AnonymisedTicket, expectedVersion: number): Promise<boolean> {
    const { id, ...rest } = anonymised;
    const result = await this.tickets.replaceOne(
      { _id: String(id), version: expectedVersion, state: 'closed', anonymisedAt: { $exists: false } } as never,
      clean({ _id: id, ...rest }) as never,
    );
    return result.modifiedCount === 1;
  }

  /** Anonymises the ticket's penalties, appeals and the stored texts of its notifications. */
  async anonymiseLinked(ticketId: string, now: Date): Promise<{ penalties: number; appeals: number; cases: number }> {
    const penalties = (await this.penalties.find({ ticketId: String(ticketId), personId: { $ne: 'anonymised' } }).toArray()) as unknown as Array<Penalty & { _id: string }>;
    for (const doc of penalties) {
      const { _id, ...rest } = doc as unknown as Record<string, unknown>;
      const changed = anonymisePenalty({ id: String(_id), ...rest } as Penalty);
      const { id: _id2, ...fields } = changed;
      await this.penalties.updateOne({ _id: String(_id), personId: doc.personId } as never, { $set: clean(fields) } as never);
    }
    const appeals = (await this.appeals.find({ ticketId: String(ticketId), appellantId: { $ne: 'anonymised' } }).toArray()) as unknown as Array<Appeal & { _id: string }>;
    for (const doc of appeals) {
      const { _id, ...rest } = doc as unknown as Record<string, unknown>;
      const { id: _id2, ...fields } = anonymiseAppeal({ id: String(_id), ...rest } as Appeal);
      await this.appeals.replaceOne({ _id: String(_id) } as never, clean({ _id: String(_id), ...fields }) as never);
    }
    // A notification keeps its message code and ticket; the words it was sent with (title, names) go.
    await this.notifications.updateMany({ ticketId: String(ticketId) }, { $set: { params: { id: String(ticketId) } } });
    const cases = await this.anonymiseCase(String(ticketId), now);
    return { penalties: penalties.length, appeals: appeals.length, cases };
  }

  /**
   * The case library keeps a copy of the ticket's words; they go too. The case
   * stays (its month and standing keep the library's statistics right) but has
   * nothing left to be found by, and the library's stamp moves so every instance
   * drops the old text from its search index.
   */
  private async anonymiseCase(ticketId: string, now: Date): Promise<number> {
    const result = await this.cases.updateOne({ _id: ticketId, anonymisedAt: { $exists: false } } as never, [
      {
        $set: {
          title: ANONYMISED_TITLE,
          resolution: '',
          terms: { title: [], body: [] },
          marks: { $map: { input: { $ifNull: ['$marks', []] }, as: 'm', in: { at: '$$m.at', mark: '$$m.mark', by: ANONYMISED } } },
          anonymisedAt: { $literal: now },
        },
      },
      { $unset: ['description', 'customer', 'customerId', 'ownerId'] },
    ]);
    if (result.modifiedCount) await this.counters.updateOne({ _id: CASE_LIBRARY_STAMP } as never, { $inc: { seq: 1 } }, { upsert: true });
    return result.modifiedCount;
  }
}
