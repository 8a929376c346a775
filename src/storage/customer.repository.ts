// The customer directory on mongoose, and the open requests parked while a
// person chooses which customer they meant. Saves carry a version
// precondition; every value from a person is a plain string in a filter.
import type { Connection, Model } from 'mongoose';
import type { Customer, CustomerRepository, OpenDraft, OpenDraftStore } from '../customers/customer.types.js';
import { counterModel } from './models/ticket.model.js';
import { customerModel, openDraftModel, type CustomerDocument, type OpenDraftDocument } from './models/customer.model.js';

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toDocument(customer: Customer): CustomerDocument {
  const { id, ...rest } = customer;
  return withoutUndefined({ _id: id, ...rest, audit: rest.audit.map(withoutUndefined) });
}

function toCustomer(doc: Record<string, unknown>): Customer {
  const { _id, ...rest } = doc;
  const c = { id: String(_id), ...rest } as Customer;
  c.aliases ??= [];
  c.phones ??= [];
  c.emails ??= [];
  c.externalIds ??= [];
  c.audit ??= [];
  c.confidential ??= false;
  return c;
}

const strings = (values: string[]) => values.map(String).filter(Boolean);

export class MongoCustomerRepository implements CustomerRepository, OpenDraftStore {
  private readonly customers: Model<CustomerDocument>;
  private readonly drafts: Model<OpenDraftDocument>;
  private readonly counters: ReturnType<typeof counterModel>;

  constructor(conn: Connection) {
    this.customers = customerModel(conn);
    this.drafts = openDraftModel(conn);
    this.counters = counterModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.customers.init(), this.drafts.init()]);
  }

  async nextNumbers(count: number): Promise<number[]> {
    const counter = await this.counters.findOneAndUpdate({ _id: 'customer' }, { $inc: { seq: count } }, { upsert: true, new: true, lean: true });
    const last = counter!.seq;
    return Array.from({ length: count }, (_, i) => last - count + 1 + i);
  }

  async insert(customer: Customer): Promise<boolean> {
    try {
      await this.customers.collection.insertOne(toDocument(customer) as never);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async insertMany(customers: Customer[]): Promise<string[]> {
    if (!customers.length) return [];
    try {
      await this.customers.collection.insertMany(customers.map(toDocument) as never[], { ordered: false });
      return [];
    } catch (err) {
      type WriteError = { code?: number; index?: number; err?: { code?: number; index?: number } };
      const raw = (err as { writeErrors?: WriteError | WriteError[] }).writeErrors;
      const writeErrors = Array.isArray(raw) ? raw : raw ? [raw] : undefined;
      if (!writeErrors) throw err;
      const refused: string[] = [];
      for (const w of writeErrors) {
        const code = w.code ?? w.err?.code;
        if (code !== 11000) throw err;
        refused.push(customers[w.index ?? w.err?.index ?? -1]?.id);
      }
      return refused.filter(Boolean);
    }
  }

  async get(id: string): Promise<Customer | null> {
    const doc = await this.customers.collection.findOne({ _id: String(id) } as never);
    return doc ? toCustomer(doc as Record<string, unknown>) : null;
  }

  async replace(customer: Customer, expectedVersion: number): Promise<boolean> {
    try {
      const result = await this.customers.collection.replaceOne({ _id: customer.id, version: expectedVersion } as never, toDocument(customer) as never);
      return result.matchedCount === 1;
    } catch (err) {
      // Another active customer already has this name: the change loses, as a stale save would.
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async byNameKey(key: string): Promise<Customer[]> {
    const docs = await this.customers.collection.find({ 'keys.names': String(key), status: 'active' } as never).sort({ number: 1 }).limit(50).toArray();
    return docs.map((d) => toCustomer(d as Record<string, unknown>));
  }

  async byGrams(grams: string[], limit: number): Promise<Customer[]> {
    const wanted = strings(grams);
    if (!wanted.length) return [];
    // Most shared bigrams first, so a large directory still offers the closest names.
    const docs = await this.customers.collection
      .aggregate([
        { $match: { 'keys.grams': { $in: wanted }, status: 'active' } },
        // $literal: the grams are data, never field paths (normalised names hold no `$`, but still).
        { $addFields: { shared: { $size: { $setIntersection: ['$keys.grams', { $literal: wanted }] } } } },
        { $sort: { shared: -1, number: 1 } },
        { $limit: limit },
        { $project: { shared: 0 } },
      ])
      .toArray();
    return docs.map((d) => toCustomer(d as Record<string, unknown>));
  }

  async byKeys(keys: { names: string[]; externalIds: string[] }): Promise<Customer[]> {
    const or: Record<string, unknown>[] = [];
    if (keys.names.length) or.push({ 'keys.names': { $in: strings(keys.names) } });
    if (keys.externalIds.length) or.push({ 'externalIds.id': { $in: strings(keys.externalIds) } });
    if (!or.length) return [];
    const docs = await this.customers.collection.find({ $or: or, status: 'active' } as never).toArray();
    return docs.map((d) => toCustomer(d as Record<string, unknown>));
  }

  async byContacts(keys: { phones: string[]; emails: string[]; externalIds: string[] }): Promise<Customer[]> {
    const or: Record<string, unknown>[] = [];
    if (keys.phones.length) or.push({ 'keys.phones': { $in: strings(keys.phones) } });
    if (keys.emails.length) or.push({ 'keys.emails': { $in: strings(keys.emails) } });
    if (keys.externalIds.length) or.push({ 'externalIds.id': { $in: strings(keys.externalIds) } });
    if (!or.length) return [];
    const docs = await this.customers.collection.find({ $or: or, status: 'active' } as never).limit(200).toArray();
    return docs.map((d) => toCustomer(d as Record<string, unknown>));
  }

  async *all(): AsyncIterable<Customer> {
    const cursor = this.customers.collection.find({ status: 'active' } as never).sort({ number: 1 }).batchSize(1000);
    for await (const doc of cursor) yield toCustomer(doc as Record<string, unknown>);
  }

  async saveDraft(draft: OpenDraft): Promise<void> {
    const { id, ...rest } = draft;
    await this.drafts.collection.insertOne(withoutUndefined({ _id: id, ...rest }) as never);
  }

  async claimDraft(id: string): Promise<OpenDraft | null> {
    const doc = await this.drafts.collection.findOneAndUpdate({ _id: String(id), claimed: { $ne: true } } as never, { $set: { claimed: true } }, { returnDocument: 'after' });
    return doc ? toDraft(doc as Record<string, unknown>) : null;
  }

  async getDraft(id: string): Promise<OpenDraft | null> {
    const doc = await this.drafts.collection.findOne({ _id: String(id) } as never);
    return doc ? toDraft(doc as Record<string, unknown>) : null;
  }

  async finishDraft(id: string, ticketId: string): Promise<void> {
    await this.drafts.collection.updateOne({ _id: String(id) } as never, { $set: { ticketId: String(ticketId) } });
  }

  async releaseDraft(id: string): Promise<void> {
    await this.drafts.collection.updateOne({ _id: String(id) } as never, { $set: { claimed: false } });
  }
}

function toDraft(doc: Record<string, unknown>): OpenDraft {
  const { _id, claimed: _claimed, ...rest } = doc;
  return { id: String(_id), ...(rest as Omit<OpenDraft, 'id'>) };
}
