// TicketRepository on mongoose: atomic counter for human ids, and saves that
// succeed only when the stored version is the one the change was based on.
import type { Connection, Model } from 'mongoose';
import type { TicketQuery, TicketRepository } from '../tickets/ports.js';
import type { DueClockQuery } from '../sla/clock.service.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { counterModel, ticketModel, type TicketDocument } from './models/ticket.model.js';

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return withoutUndefined(v as object);
  return v;
}

/** Drops undefined fields so "no owner" is a missing field, not a stored null. */
function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = strip(v);
  }
  return out as T;
}

function toDocument(ticket: Ticket): TicketDocument {
  const { id, ...rest } = ticket;
  return withoutUndefined({ _id: id, ...rest });
}

function toTicket(doc: Record<string, unknown>): Ticket {
  const { _id, ...rest } = doc;
  const ticket = { id: String(_id), ...rest } as Ticket;
  ticket.timeline ??= [];
  ticket.confidential ??= false;
  return ticket;
}

export class MongoTicketRepository implements TicketRepository, DueClockQuery {
  private readonly tickets: Model<TicketDocument>;
  private readonly counters: ReturnType<typeof counterModel>;

  constructor(conn: Connection) {
    this.tickets = ticketModel(conn);
    this.counters = counterModel(conn);
  }

  async init(): Promise<void> {
    await this.tickets.init();
  }

  async nextNumber(): Promise<number> {
    // returnDocument, not the deprecated `new`: mongoose warns (on stderr, synchronously) on every call that uses `new`.
    const counter = await this.counters.findOneAndUpdate({ _id: 'ticket' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', lean: true });
    return counter!.seq;
  }

  async insert(ticket: Ticket): Promise<void> {
    await this.tickets.collection.insertOne(toDocument(ticket) as never);
  }

  async get(id: string): Promise<Ticket | null> {
    const doc = await this.tickets.collection.findOne({ _id: String(id) } as never);
    return doc ? toTicket(doc as Record<string, unknown>) : null;
  }

  async replace(ticket: Ticket, expectedVersion: number): Promise<boolean> {
    const result = await this.tickets.collection.replaceOne({ _id: ticket.id, version: expectedVersion } as never, toDocument(ticket) as never);
    return result.matchedCount === 1;
  }

  async list(query: TicketQuery): Promise<Ticket[]> {
    const filter: Record<string, unknown> = {};
    if (query.states) filter.state = { $in: query.states };
    if (query.ownerId) filter.ownerId = String(query.ownerId);
    if (query.departmentIds) filter.departmentId = { $in: query.departmentIds.map(String) };
    if (query.unclaimed) filter.ownerId = null;
    if (query.createdBy) filter.createdBy = String(query.createdBy);
    if (query.overdue) filter.overdueSince = { $ne: null };
    const docs = await this.tickets.collection
      .find(filter as never, { projection: { timeline: 0 } })
      .sort({ updatedAt: -1 })
      .limit(Math.min(query.limit ?? 50, 500))
      .toArray();
    return docs.map((d) => toTicket(d as Record<string, unknown>));
  }

  async updatedBetween(from: Date, to: Date): Promise<Ticket[]> {
    const docs = await this.tickets.collection.find({ updatedAt: { $gte: from, $lt: to } } as never).toArray();
    return docs.map((d) => toTicket(d as Record<string, unknown>));
  }

  async dueClocks(now: Date, limit: number): Promise<Ticket[]> {
    // Index-driven ({ 'clocks.next.at': 1 }): the sweep never scans every ticket.
    const docs = await this.tickets.collection
      .find({ 'clocks.next.at': { $lte: now } } as never, { projection: { timeline: 0 } })
      .limit(limit)
      .toArray();
    return docs.map((d) => toTicket(d as Record<string, unknown>));
  }

  async *ticketsWithClocks(): AsyncIterable<Ticket> {
    const cursor = this.tickets.collection.find({ 'clocks.status': { $in: ['running', 'paused'] } } as never, { projection: { timeline: 0 } }).batchSize(500);
    for await (const doc of cursor) yield toTicket(doc as Record<string, unknown>);
  }

  async withPendingNotices(limit: number): Promise<Ticket[]> {
    // A range on the message (always a non-empty string) lets the index answer this instead of a scan.
    const docs = await this.tickets.collection.find({ 'pendingNotices.message': { $gte: '' } } as never, { projection: { timeline: 0 } }).limit(limit).toArray();
    return docs.map((d) => toTicket(d as Record<string, unknown>));
  }

  async clearPendingNotices(ticketId: string, dedupeKeys: string[]): Promise<void> {
    // No version bump: this only empties the outbox, it changes nothing a person did.
    await this.tickets.collection.updateOne({ _id: String(ticketId) } as never, { $pull: { pendingNotices: { dedupeKey: { $in: dedupeKeys } } } } as never);
  }
}
