// Read-only queries behind the dashboard, the API reports, the digest and the
// exports: tickets by activity window and department, penalties and appeals by
// creation time. Filters are built here from typed values only (no request
// object ever reaches a query), and each has an index.
import type { Collection, Connection } from 'mongoose';
import type { Appeal } from '../accountability/appeal.types.js';
import type { Penalty } from '../accountability/penalty.types.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { DateRange } from '../reports/report.range.js';

/** Which tickets a query may return: all, or some departments plus one owner's own. */
export interface TicketScope {
  all: boolean;
  departmentIds: string[];
  ownerId?: string;
}

const ACTIVE = ['open', 'claimed', 'pending_handoff', 'waiting_on_customer'];

type Doc = Record<string, unknown>;

function fromDoc<T extends { id: string }>(doc: Doc): T {
  const { _id, ...rest } = doc;
  return { id: String(_id), ...rest } as T;
}

function toTicket(doc: Doc): Ticket {
  const t = fromDoc<Ticket>(doc);
  t.timeline ??= [];
  t.confidential ??= false;
  return t;
}

function scopeFilter(scope: TicketScope, departments?: string[]): Record<string, unknown> {
  const wanted = departments?.length ? departments.map(String) : undefined;
  if (scope.all) return wanted ? { departmentId: { $in: wanted } } : {};
  const allowed = wanted ? wanted.filter((d) => scope.departmentIds.includes(d)) : scope.departmentIds.map(String);
  const own = scope.ownerId && !wanted ? [{ ownerId: String(scope.ownerId) }] : [];
  return { $or: [{ departmentId: { $in: allowed } }, ...own] };
}

export class MongoReportRepository {
  private readonly tickets: Collection;
  private readonly penalties: Collection;
  private readonly appeals: Collection;

  constructor(conn: Connection) {
    this.tickets = conn.collection('tickets');
    this.penalties = conn.collection('penalties');
    this.appeals = conn.collection('appeals');
  }

  async init(): Promise<void> {
    await Promise.all([
      this.tickets.createIndex({ updatedAt: 1 }, { name: 'reports_updated' }),
      this.tickets.createIndex({ createdAt: 1 }, { name: 'reports_created' }),
      this.tickets.createIndex({ overdueSince: 1 }, { name: 'reports_overdue', sparse: true }),
      this.penalties.createIndex({ createdAt: 1 }, { name: 'reports_penalty_created' }),
      this.appeals.createIndex({ createdAt: 1 }, { name: 'reports_appeal_created' }),
      this.appeals.createIndex({ status: 1 }, { name: 'reports_appeal_status' }),
    ]);
  }

  /** Tickets that changed in or after the range's start and existed before its end: everything that can hold an event in it. */
  async activeDuring(range: DateRange, scope: TicketScope, departments?: string[]): Promise<Ticket[]> {
    const filter = { ...scopeFilter(scope, departments), updatedAt: { $gte: range.from }, createdAt: { $lt: range.to } };
    return (await this.tickets.find(filter).toArray()).map(toTicket);
  }

  /** Open tickets that a clock has marked overdue (timelines left out). */
  async overdueNow(scope: TicketScope, departments?: string[]): Promise<Ticket[]> {
    const filter = { ...scopeFilter(scope, departments), overdueSince: { $ne: null }, state: { $in: ACTIVE } };
    return (await this.tickets.find(filter, { projection: { timeline: 0 } }).limit(2000).toArray()).map(toTicket);
  }

  async byIds(ids: string[]): Promise<Ticket[]> {
    if (!ids.length) return [];
    return (await this.tickets.find({ _id: { $in: ids.map(String) } } as never).toArray()).map(toTicket);
  }

  /** Streams tickets created in the range (exports), oldest first. */
  async *createdDuring(range: DateRange, scope: TicketScope, departments?: string[]): AsyncIterable<Ticket> {
    const cursor = this.tickets.find({ ...scopeFilter(scope, departments), createdAt: { $gte: range.from, $lt: range.to } }).sort({ createdAt: 1 }).batchSize(500);
    for await (const doc of cursor) yield toTicket(doc);
  }

  /** Streams tickets that may hold timeline events in the range (exports), oldest first. */
  async *touchedDuring(range: DateRange, scope: TicketScope, departments?: string[]): AsyncIterable<Ticket> {
    const cursor = this.tickets.find({ ...scopeFilter(scope, departments), updatedAt: { $gte: range.from }, createdAt: { $lt: range.to } }).sort({ createdAt: 1 }).batchSize(500);
    for await (const doc of cursor) yield toTicket(doc);
  }

  async penaltiesCreated(range: DateRange): Promise<Penalty[]> {
    const docs = await this.penalties.find({ createdAt: { $gte: range.from, $lt: range.to } }).sort({ createdAt: 1 }).toArray();
    return docs.map((d) => {
      const p = fromDoc<Penalty & { gradeRank?: number }>(d);
      delete p.gradeRank;
      return p;
    });
  }

  async appealsCreated(range: DateRange): Promise<Appeal[]> {
    return (await this.appeals.find({ createdAt: { $gte: range.from, $lt: range.to } }).sort({ createdAt: 1 }).toArray()).map((d) => fromDoc<Appeal>(d));
  }

  async openAppeals(): Promise<Appeal[]> {
    return (await this.appeals.find({ status: 'open' }).sort({ createdAt: 1 }).limit(1000).toArray()).map((d) => fromDoc<Appeal>(d));
  }

  async penaltiesByIds(ids: string[]): Promise<Penalty[]> {
    if (!ids.length) return [];
    return (await this.penalties.find({ _id: { $in: ids.map(String) } } as never).toArray()).map((d) => fromDoc<Penalty>(d));
  }
}
