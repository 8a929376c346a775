// Declared outages, one open at a time (held by a unique partial index, so two
// admins declaring at once open one outage).
import { Schema, type Connection, type Model } from 'mongoose';
import type { Outage, OutageLog } from '../sla/outage.js';

interface OutageDocument {
  startedAt: Date;
  startedBy: string;
  note?: string;
  endedAt?: Date;
  endedBy?: string;
  open: boolean;
}

const schema = new Schema<OutageDocument>(
  { startedAt: { type: Date, required: true }, startedBy: String, note: String, endedAt: Date, endedBy: String, open: { type: Boolean, required: true } },
  { collection: 'outages', versionKey: false },
);
schema.index({ open: 1 }, { unique: true, partialFilterExpression: { open: true } });
schema.index({ startedAt: 1 });

function toOutage(d: OutageDocument & { _id: unknown }): Outage {
  return { id: String(d._id), startedAt: d.startedAt, startedBy: d.startedBy, note: d.note ?? undefined, endedAt: d.endedAt ?? undefined, endedBy: d.endedBy ?? undefined };
}

export class MongoOutageLog implements OutageLog {
  private readonly model: Model<OutageDocument>;
  private current?: Outage;

  constructor(conn: Connection) {
    this.model = (conn.models.Outage as Model<OutageDocument>) ?? conn.model('Outage', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const open = await this.model.findOne({ open: true }).lean();
    this.current = open ? toOutage(open as never) : undefined;
  }

  active(): Outage | undefined {
    return this.current;
  }

  async start(by: string, note: string | undefined, at: Date): Promise<Outage | undefined> {
    try {
      const doc = await this.model.create({ startedAt: at, startedBy: by, note, open: true });
      this.current = toOutage(doc.toObject() as never);
      return this.current;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      await this.refresh();
      return undefined;
    }
  }

  async end(by: string, at: Date): Promise<Outage | undefined> {
    const doc = await this.model.findOneAndUpdate({ open: true }, { $set: { open: false, endedAt: at, endedBy: by } }, { new: true }).lean();
    this.current = undefined;
    return doc ? toOutage(doc as never) : undefined;
  }

  async between(from: Date, to: Date): Promise<Outage[]> {
    const docs = await this.model
      .find({ startedAt: { $lt: to }, $or: [{ endedAt: { $gt: from } }, { open: true }] })
      .sort({ startedAt: 1 })
      .lean();
    return docs.map((d) => toOutage(d as never));
  }
}
