// What the bot remembers about chat platforms: where each card was posted
// (so every copy is updated in place) and conversation references for
// proactive messages (Teams cannot message anyone without one).
import { Schema, type Connection, type Model, Types } from 'mongoose';
import type { ConversationRef, Platform } from '../core/platform.js';
import type { ConversationStore } from '../core/chat-adapter.js';
import type { CardPost, CardPostStore } from '../delivery/outbox.types.js';

type CardPostDocument = Omit<CardPost, 'id'> & { _id: Types.ObjectId };

const postSchema = new Schema<CardPostDocument>(
  {
    subject: { type: String, required: true },
    platform: { type: String, required: true },
    conversation: { type: Schema.Types.Mixed, required: true },
    messageId: { type: String, required: true },
    locale: { type: String, required: true },
    postedAt: { type: Date, required: true },
  },
  { collection: 'card_posts', versionKey: false, minimize: false },
);
postSchema.index({ subject: 1 });
postSchema.index({ platform: 1, messageId: 1 }, { unique: true });

interface ConversationDocument {
  _id: string;
  ref: ConversationRef;
  updatedAt: Date;
}

const conversationSchema = new Schema<ConversationDocument>(
  { _id: { type: String, required: true }, ref: { type: Schema.Types.Mixed, required: true }, updatedAt: { type: Date, required: true } },
  { collection: 'conversation_refs', versionKey: false, minimize: false },
);

export class MongoCardPostStore implements CardPostStore {
  private readonly model: Model<CardPostDocument>;
  constructor(conn: Connection) {
    this.model = (conn.models.CardPost as Model<CardPostDocument>) ?? conn.model('CardPost', postSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async add(post: Omit<CardPost, 'id'>): Promise<void> {
    // Keyed by the platform's message id: recording the same post twice (a resend) keeps one.
    await this.model.collection.updateOne(
      { platform: String(post.platform), messageId: String(post.messageId) },
      { $setOnInsert: { ...post } },
      { upsert: true },
    );
  }

  async forSubject(subject: string): Promise<CardPost[]> {
    const docs = await this.model.collection.find({ subject: String(subject) }).sort({ postedAt: 1 }).toArray();
    return docs.map((d) => {
      const { _id, ...rest } = d as unknown as CardPostDocument;
      return { ...rest, id: String(_id) };
    });
  }
}

export class MongoConversationStore implements ConversationStore {
  private readonly model: Model<ConversationDocument>;
  constructor(conn: Connection) {
    this.model = (conn.models.ConversationRef as Model<ConversationDocument>) ?? conn.model('ConversationRef', conversationSchema);
  }

  async save(platform: Platform, key: string, ref: ConversationRef): Promise<void> {
    await this.model.collection.updateOne({ _id: `${platform}:${key}` } as never, { $set: { ref, updatedAt: new Date() } }, { upsert: true });
  }

  async get(platform: Platform, key: string): Promise<ConversationRef | undefined> {
    const doc = (await this.model.collection.findOne({ _id: `${platform}:${String(key)}` } as never)) as ConversationDocument | null;
    return doc?.ref;
  }
}
