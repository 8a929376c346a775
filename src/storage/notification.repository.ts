// Stored notifications (the console inbox today; the delivery outbox later).
import { Schema, type Connection, type Model } from 'mongoose';
import type { Notification, NotificationStore } from '../notifications/notification.types.js';

interface NotificationDocument {
  personId: string;
  ticketId?: string;
  message: string;
  params: Record<string, string | number>;
  createdAt: Date;
}

const schema = new Schema<NotificationDocument>(
  {
    personId: { type: String, required: true },
    ticketId: String,
    message: { type: String, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);
schema.index({ personId: 1, createdAt: -1 });

export class MongoNotificationStore implements NotificationStore {
  private readonly model: Model<NotificationDocument>;
  constructor(conn: Connection) {
    this.model = (conn.models.Notification as Model<NotificationDocument>) ?? conn.model('Notification', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async add(notifications: Omit<Notification, 'id'>[]): Promise<void> {
    await this.model.insertMany(notifications);
  }

  async forPerson(personId: string, limit: number): Promise<Notification[]> {
    const docs = await this.model.find({ personId: String(personId) }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
    return docs.map((d) => ({ id: String(d._id), personId: d.personId, ticketId: d.ticketId, message: d.message, params: d.params, createdAt: d.createdAt }));
  }
}
