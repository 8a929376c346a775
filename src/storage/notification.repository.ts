// Stored notifications (the console inbox today; the delivery outbox later).
import { Schema, type Connection, type Model } from 'mongoose';
import type { Notification, NotificationStore } from '../notifications/notification.types.js';

interface NotificationDocument {
  personId: string;
  ticketId?: string;
  message: string;
  params: Record<string, string | number>;
  createdAt: Date;
  dedupeKey?: string;
}

const schema = new Schema<NotificationDocument>(
  {
    personId: { type: String, required: true },
    ticketId: String,
    message: { type: String, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    dedupeKey: String,
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);
schema.index({ personId: 1, createdAt: -1 });
schema.index({ dedupeKey: 1 }, { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } });

export class MongoNotificationStore implements NotificationStore {
  private readonly model: Model<NotificationDocument>;
  constructor(conn: Connection) {
    this.model = (conn.models.Notification as Model<NotificationDocument>) ?? conn.model('Notification', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async add(notifications: Omit<Notification, 'id'>[]): Promise<void> {
    try {
      await this.model.collection.insertMany(notifications.map((n) => ({ ...n })) as never[], { ordered: false });
    } catch (err) {
      // Duplicates of already-stored notices are expected (a job or delivery run twice); anything else is not.
      const errors = (err as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
      const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
      if (!list.length || list.some((e) => e.code !== 11000)) throw err;
    }
  }

  async forPerson(personId: string, limit: number): Promise<Notification[]> {
    const docs = await this.model.find({ personId: String(personId) }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
    return docs.map((d) => ({ id: String(d._id), personId: d.personId, ticketId: d.ticketId, message: d.message, params: d.params, createdAt: d.createdAt }));
  }
}
