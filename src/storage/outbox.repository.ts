// The outbox collection: messages waiting to be sent, claimed by a worker
// with an atomic update and a lease, so a crashed sender's messages are taken
// over and nothing is sent by two workers at once.
import { Schema, Types, type Connection, type Model } from 'mongoose';
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
schema.index({ postId: 1, status: 1 }, { partialFilterExpression: { postId: { $type: 'string' } } });
// Sent messages are kept a week for the record, then dropped; parked ones stay until an admin acts.
schema.index({ sentAt: 1 }, { expireAfterSeconds: 7 * 24 * 3600 });

const toMessage = (d: OutboxDocument): OutboxMessage => {
  const { _id, ...rest } = d;
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
    if (!messages.length) return;
    const docs = messages.map((m) => ({ ...m, status: 'pending', attempts: 0, dueAt: m.dueAt ?? now, createdAt: now }));
    try {
      await this.model.collection.insertMany(docs as never[], { ordered: false });
    } catch (err) {
      // A key already stored is the same message enqueued again (a rerun): expected, skipped.
      const errors = (err as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
      const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
      if (!list.length || list.some((e) => e.code !== 11000)) throw err;
    }
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const claimed: OutboxMessage[] = [];
    const leaseUntil = new Date(now.getTime() + leaseMs);
    for (const filter of [
      { status: 'pending', dueAt: { $lte: now } },
      { status: 'sending', leaseUntil: { $lt: now } },
    ]) {
      while (claimed.length < limit) {
        const doc = await this.model.collection.findOneAndUpdate(
          filter as never,
          { $set: { status: 'sending', leaseUntil }, $inc: { attempts: 1 } },
          { sort: { dueAt: 1 }, returnDocument: 'after' },
        );
        if (!doc) break;
        claimed.push(toMessage(doc as unknown as OutboxDocument));
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
