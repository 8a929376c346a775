// Stored notifications: each person's inbox (shown in the console) and the
// source of their chat pings (dispatched into the outbox, see src/delivery).
import { insertNew } from './insert-new.js';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { DispatchQueue } from '../delivery/notification-dispatch.js';
import type { Notification, NotificationStore } from '../notifications/notification.types.js';

interface NotificationDocument {
  personId: string;
  ticketId?: string;
  message: string;
  params: Record<string, string | number>;
  createdAt: Date;
  dedupeKey?: string;
  /** False until the chat ping for it is in the outbox. */
  dispatched?: boolean;
}

const schema = new Schema<NotificationDocument>(
  {
    personId: { type: String, required: true },
    ticketId: String,
    message: { type: String, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    dedupeKey: String,
    dispatched: Boolean,
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);
schema.index({ personId: 1, createdAt: -1 });
schema.index({ dispatched: 1, createdAt: 1 });
schema.index({ dedupeKey: 1 }, { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } });

const toNotification = (d: NotificationDocument & { _id: unknown }): Notification => ({
  id: String(d._id),
  personId: d.personId,
  ticketId: d.ticketId,
  message: d.message,
  params: d.params,
  createdAt: d.createdAt,
});

export class MongoNotificationStore implements NotificationStore, DispatchQueue {
  private readonly model: Model<NotificationDocument>;
  /** Told after new notifications are stored (the outbox worker wakes up). */
  onAdded?: () => void;
  constructor(conn: Connection) {
    this.model = (conn.models.Notification as Model<NotificationDocument>) ?? conn.model('Notification', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async add(notifications: Omit<Notification, 'id'>[]): Promise<void> {
    // Duplicates of already-stored notices are expected (a job or delivery run twice): skipped.
    await insertNew(this.model.collection as never, notifications.map((n) => ({ ...n, dispatched: false })));
    this.onAdded?.();
  }

  async get(id: string): Promise<Notification | undefined> {
    if (!Types.ObjectId.isValid(id)) return undefined;
    const doc = await this.model.collection.findOne({ _id: new Types.ObjectId(id) } as never);
    return doc ? toNotification(doc as never) : undefined;
  }

  async undispatched(limit: number): Promise<Notification[]> {
    const docs = await this.model.collection.find({ dispatched: false }).sort({ createdAt: 1 }).limit(limit).toArray();
    return docs.map((d) => toNotification(d as never));
  }

  async markDispatched(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.model.collection.updateMany({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } } as never, { $set: { dispatched: true } });
  }

  async forPerson(personId: string, limit: number): Promise<Notification[]> {
    const docs = await this.model.find({ personId: String(personId) }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
    return docs.map((d) => toNotification(d as never));
  }
}
