// The tickets of a customer, read from the tickets collection for the
// directory: open ones to re-tier, all of them to relink on a merge, recent
// ones with their timelines for the card, and the return-visit scores.
import type { Connection, Model } from 'mongoose';
import type { CustomerTickets } from '../customers/customer.types.js';
import type { Ticket, TicketState } from '../tickets/ticket.types.js';
import { ticketModel, type TicketDocument } from './models/ticket.model.js';

function toTicket(doc: Record<string, unknown>): Ticket {
  const { _id, ...rest } = doc;
  const ticket = { id: String(_id), ...rest } as Ticket;
  ticket.timeline ??= [];
  ticket.confidential ??= false;
  return ticket;
}

export class MongoCustomerTickets implements CustomerTickets {
  private readonly tickets: Model<TicketDocument>;

  constructor(conn: Connection) {
    this.tickets = ticketModel(conn);
  }

  async byCustomer(customerId: string, options: { states?: readonly TicketState[]; limit?: number; withTimeline?: boolean } = {}): Promise<Ticket[]> {
    const filter: Record<string, unknown> = { customerId: String(customerId) };
    if (options.states) filter.state = { $in: options.states.map(String) };
    const docs = await this.tickets.collection
      .find(filter as never, options.withTimeline ? {} : { projection: { timeline: 0 } })
      .sort({ updatedAt: -1 })
      .limit(options.limit ?? 50)
      .toArray();
    return docs.map((d) => toTicket(d as Record<string, unknown>));
  }

  async satisfaction(customerId: string): Promise<{ average?: number; count: number }> {
    const docs = await this.tickets.collection
      .find({ customerId: String(customerId), satisfaction: { $gte: 1 } } as never, { projection: { satisfaction: 1 } })
      .toArray();
    const scores = docs.map((d) => Number((d as { satisfaction?: number }).satisfaction)).filter((n) => Number.isFinite(n));
    if (!scores.length) return { count: 0 };
    return { average: scores.reduce((a, b) => a + b, 0) / scores.length, count: scores.length };
  }
}
