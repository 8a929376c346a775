// Deliveries seen, by platform delivery id (unique), with the replies sent,
// so a redelivered command is answered the same way and applied once.
import { Schema, type Connection, type Model } from 'mongoose';
import type { Reply } from '../core/card.js';
import type { DeliveryLog } from '../../conversations/deliveries.js';

interface DeliveryDocument {
  _id: string;
  status: 'running' | 'done';
  replies?: Reply[];
  createdAt: Date;
}

const schema = new Schema<DeliveryDocument>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true },
    replies: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
  },
  { collection: 'deliveries', versionKey: false },
);
// Platforms stop retrying within hours (Feishu: about 7 h); keep ids for 3 days.
schema.index({ createdAt: 1 }, { expireAfterSeconds: 3 * 24 * 3600 });

const STALE_RUNNING_MS = 2 * 60 * 1000;
// Platforms retry after about 3 s; a repeat waits this long for the first answer.
const WAIT_FOR_FIRST_MS = 10_000;

export class MongoDeliveryLog implements DeliveryLog {
  private readonly model: Model<DeliveryDocument>;
  constructor(conn: Connection) {
    this.model = (conn.models.Delivery as Model<DeliveryDocument>) ?? conn.model('Delivery', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async begin(deliveryId: string): Promise<Reply[] | undefined> {
    try {
      await this.model.collection.insertOne({ _id: String(deliveryId), status: 'running', createdAt: new Date() } as never);
      return undefined;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // A reservation left 'running' by a process that died is taken over, so the command is not lost.
      const stale = new Date(Date.now() - STALE_RUNNING_MS);
      const takeover = await this.model.collection.findOneAndUpdate(
        { _id: String(deliveryId), status: 'running', createdAt: { $lt: stale } } as never,
        { $set: { createdAt: new Date() } },
      );
      if (takeover) return undefined;
      return this.awaitReplies(String(deliveryId));
    }
  }

  /** A repeat that arrives while the first delivery is still running gets the first one's answer. */
  private async awaitReplies(id: string): Promise<Reply[]> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const existing = (await this.model.collection.findOne({ _id: id } as never)) as DeliveryDocument | null;
      if (!existing || existing.status === 'done' || Date.now() > deadline) return (existing?.replies as Reply[] | undefined) ?? [];
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async finish(deliveryId: string, replies: Reply[]): Promise<void> {
    await this.model.collection.updateOne({ _id: String(deliveryId) } as never, { $set: { status: 'done', replies } });
  }

  async abandon(deliveryId: string): Promise<void> {
    await this.model.collection.deleteOne({ _id: String(deliveryId), status: 'running' } as never);
  }
}
