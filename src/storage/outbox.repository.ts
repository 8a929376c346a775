// The outbox collection: messages waiting to be sent, claimed by a worker
// with an atomic update and a lease, so a crashed sender's messages are taken
// over and nothing is sent by two workers at once.
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { insertNew } from './insert-new.js';
import type { NewOutboxMessage, OutboxMessage, OutboxStatus, OutboxStore } from '../delivery/outbox.types.js';

type OutboxDocument = Omit<OutboxMessage, 'id'> & { _id: Types.ObjectId };

const schema = new Schema<OutboxDocument>(
  {
    key: { type: String, required: true },
    platform: { type: String, required: true },
    op: { type: String, required: true },
    to: Schema.Types.Mixed,
    dmUserId: String,
    postId: String,
    content: { type: Schema.Types.Mixed, required: true },
    subject: String,
    locale: String,
    version: Number,
    urgent: Boolean,
    status: { type: String, required: true },
    attempts: { type: Number, required: true },
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    leaseUntil: Date,
    sentAt: Date,
    messageId: String,
    lastError: String,
  },
  { collection: 'outbox', versionKey: false, minimize: false },
);
schema.index({ key: 1 }, { unique: true });
schema.index({ status: 1, dueAt: 1 });
// Answers people wait for, found without walking a backlog of the rest.
schema.index({ urgent: 1, status: 1, dueAt: 1 }, { partialFilterExpression: { urgent: true } });
schema.index({ postId: 1, status: 1 }, { partialFilterExpression: { postId: { $type: 'string' } } });
// Sent messages are kept a week for the record, then dropped; parked ones stay until an admin acts.
schema.index({ sentAt: 1 }, { expireAfterSeconds: 7 * 24 * 3600 });

const toMessage = (d: OutboxDocument & { claim?: unknown }): OutboxMessage => {
  const { _id, claim: _claim, ...rest } = d;
  return { ...rest, id: String(_id) };
};

export class MongoOutboxStore implements OutboxStore {
  private readonly model: Model<OutboxDocument>;
  constructor(conn: Connection) {
    this.model = (conn.models.Outbox as Model<OutboxDocument>) ?? conn.model('Outbox', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async enqueue(messages: NewOutboxMessage[], now: Date): Promise<void> {
    // A key already stored is the same message enqueued again (a rerun): skipped.
    await insertNew(this.model.collection as never, messages.map((m) => ({ ...m, status: 'pending', attempts: 0, dueAt: m.dueAt ?? now, createdAt: now })));
  }

  /**
   * Claims up to `limit` due messages (then ones whose sender's lease ran out), oldest due first.
   * In three round trips however many there are: the candidates' ids, one update of those still
   * claimable (each document's update is atomic, so two workers never both claim one), and a read
   * of the ones this call's claim token landed on.
   */
  async claim(now: Date, limit: number, leaseMs: number, only?: { urgent: true }): Promise<OutboxMessage[]> {
    const claimed: OutboxMessage[] = [];
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const coll = this.model.collection;
    const urgent = only?.urgent ? { urgent: true } : {};
    for (const filter of [
      { ...urgent, status: 'pending', dueAt: { $lte: now } },
      { ...urgent, status: 'sending', leaseUntil: { $lt: now } },
    ]) {
      while (claimed.length < limit) {
        const candidates = await coll.find(filter as never, { projection: { _id: 1 }, sort: { dueAt: 1 }, limit: limit - claimed.length }).toArray();
        if (!candidates.length) break;
        const ids = candidates.map((c) => c._id);
        const token = new Types.ObjectId();
        const res = await coll.updateMany({ ...filter, _id: { $in: ids } } as never, { $set: { status: 'sending', leaseUntil, claim: token }, $inc: { attempts: 1 } });
        if (res.modifiedCount) {
          const docs = (await coll.find({ _id: { $in: ids }, claim: token } as never).toArray()) as unknown as OutboxDocument[];
          // Oldest due first, and among equals the first enqueued (ids grow): messages put back
          // together share a due moment and must come back in the order they were queued.
          docs.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()));
          for (const doc of docs) claimed.push(toMessage(doc));
        }
        // All taken: there were no more than these. Some went to another worker meanwhile: look again.
        if (res.modifiedCount === candidates.length) break;
      }
    }
    return claimed;
  }

  async markSent(id: string, now: Date, messageId?: string): Promise<void> {
    await this.model.collection.updateOne(
      { _id: new Types.ObjectId(id) },
      { $set: { status: 'sent', sentAt: now, ...(messageId ? { messageId } : {}) }, $unset: { leaseUntil: '', lastError: '' } },
    );
  }

  async retryAt(id: string, dueAt: Date, error: string): Promise<void> {
    await this.model.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { status: 'pending', dueAt, lastError: error.slice(0, 500) }, $unset: { leaseUntil: '' } });
  }

  async putBack(batches: ReadonlyArray<{ ids: string[]; dueAt: Date }>, reason: string): Promise<void> {
    const ops = batches
      .filter((b) => b.ids.length)
      .flatMap((b) => {
        // Only while still claimed: a message another sender took over (its lease ran out) is left to it.
        const filter = { _id: { $in: b.ids.map((id) => new Types.ObjectId(id)) }, status: 'sending' };
        return [
          // The reason is noted only where no real failure is: an earlier error says more to an admin.
          { updateMany: { filter: { ...filter, lastError: { $exists: false } }, update: { $set: { lastError: reason.slice(0, 500) } } } },
          { updateMany: { filter, update: { $set: { status: 'pending', dueAt: b.dueAt }, $unset: { leaseUntil: '' }, $inc: { attempts: -1 } } } },
        ];
      });
    if (ops.length) await this.model.collection.bulkWrite(ops as never, { ordered: true });
  }

  async park(id: string, error: string): Promise<void> {
    await this.model.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { status: 'parked', lastError: error.slice(0, 500) }, $unset: { leaseUntil: '' } });
  }

  async supersede(postId: string, exceptKey: string): Promise<void> {
    await this.model.collection.updateMany({ postId: String(postId), status: 'pending', key: { $ne: exceptKey } }, { $set: { status: 'superseded', sentAt: new Date() } });
  }

  async counts(): Promise<Record<OutboxStatus, number>> {
    const rows = await this.model.collection.aggregate<{ _id: OutboxStatus; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, parked: 0, superseded: 0 };
    for (const row of rows) counts[row._id] = row.n;
    return counts;
  }

  async list(status: OutboxStatus, limit: number): Promise<OutboxMessage[]> {
    const docs = await this.model.collection.find({ status: String(status) }).sort({ createdAt: -1 }).limit(limit).toArray();
    return docs.map((d) => toMessage(d as unknown as OutboxDocument));
  }
}
