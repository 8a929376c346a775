// The case library on mongoose. Every save moves a version stamp (a counter
// document) on after the case is written, so an instance that reads the new
// stamp finds the new case; the per-month counts behind the case share read
// the cases and the tickets collections (indexed on resolvedAt).
import type { Connection, Model } from 'mongoose';
import type { CaseRecord, CaseRepository, MonthCount } from '../cases/case.types.js';
import { caseModel, type CaseDocument } from './models/case.model.js';
import { counterModel, ticketModel, type TicketDocument } from './models/ticket.model.js';

/** The counter whose value moves on whenever a case changes (every instance re-indexes when it does). */
export const CASE_LIBRARY_STAMP = 'case-library';

function toRecord(doc: Record<string, unknown>): CaseRecord {
  const { _id, ...rest } = doc;
  const r = { id: String(_id), ...rest } as CaseRecord;
  r.marks ??= [];
  r.terms ??= { title: [], body: [] };
  return r;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export class MongoCaseRepository implements CaseRepository {
  private readonly cases: Model<CaseDocument>;
  private readonly tickets: Model<TicketDocument>;
  private readonly counters: ReturnType<typeof counterModel>;

  constructor(conn: Connection) {
    this.cases = caseModel(conn);
    this.tickets = ticketModel(conn);
    this.counters = counterModel(conn);
  }

  async init(): Promise<void> {
    await this.cases.init();
  }

  async get(id: string): Promise<CaseRecord | null> {
    const doc = await this.cases.collection.findOne({ _id: String(id) } as never);
    return doc ? toRecord(doc as Record<string, unknown>) : null;
  }

  async save(record: CaseRecord): Promise<void> {
    const { id, ...rest } = record;
    await this.cases.collection.replaceOne({ _id: String(id) } as never, withoutUndefined(rest) as never, { upsert: true });
    await this.counters.updateOne({ _id: CASE_LIBRARY_STAMP }, { $inc: { seq: 1 } }, { upsert: true });
  }

  async version(): Promise<number> {
    const stamp = await this.counters.findOne({ _id: CASE_LIBRARY_STAMP }).lean();
    return stamp?.seq ?? 0;
  }

  async searchable(): Promise<CaseRecord[]> {
    const docs = await this.cases.collection.find({ standing: { $ne: 'excluded' }, withdrawn: { $ne: true } } as never).toArray();
    return docs.map((d) => toRecord(d as Record<string, unknown>));
  }

  resolvedPerMonth(from: Date, to: Date, timezone: string): Promise<MonthCount[]> {
    return perMonth(this.tickets, { resolvedAt: { $gte: from, $lt: to } }, timezone);
  }

  casesPerMonth(from: Date, to: Date, timezone: string): Promise<MonthCount[]> {
    return perMonth(this.cases, { resolvedAt: { $gte: from, $lt: to }, standing: { $ne: 'excluded' }, withdrawn: { $ne: true } }, timezone);
  }
}

/**
 * Counts per month of `resolvedAt` in the time zone. Grouped here rather than with
 * $dateToString: only a projected date per document travels, and every time zone Node
 * knows works (the embedded server's aggregation knows none but UTC).
 */
async function perMonth(model: Model<any>, match: Record<string, unknown>, timezone: string): Promise<MonthCount[]> {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' });
  const counts = new Map<string, number>();
  const cursor = model.collection.find(match as never, { projection: { resolvedAt: 1 } }).batchSize(5000);
  for await (const doc of cursor) {
    const at = (doc as { resolvedAt?: Date }).resolvedAt;
    if (!(at instanceof Date)) continue;
    const month = format.format(at).slice(0, 7);
    counts.set(month, (counts.get(month) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([month, count]) => ({ month, count }));
}
