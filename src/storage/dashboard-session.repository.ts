// One-time sign-in links and dashboard sessions. Only a SHA-256 of each
// secret is stored, so a copy of the database signs nobody in; TTL indexes
// remove expired ones. A link is spent by one conditional update, so two
// clicks racing each other sign in once.
//
// Expiry is checked against the app's clock (`expiresAt`); the database's TTL
// monitor runs on the server's real time, so the purge moment is its own field
// (`purgeAt`), a day after expiry in real time.
import type { Collection, Connection } from 'mongoose';

const PURGE_AFTER_EXPIRY_MS = 24 * 3600_000;

function purgeAt(createdAt: Date, expiresAt: Date): Date {
  return new Date(Date.now() + (expiresAt.getTime() - createdAt.getTime()) + PURGE_AFTER_EXPIRY_MS);
}

export interface LinkRecord {
  hash: string;
  personId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

export type SessionPrincipal = { kind: 'person'; personId: string } | { kind: 'admin' };

export interface SessionRecord {
  hash: string;
  principal: SessionPrincipal;
  createdAt: Date;
  expiresAt: Date;
}

export class MongoDashboardSessions {
  private readonly links: Collection;
  private readonly sessions: Collection;

  constructor(conn: Connection) {
    this.links = conn.collection('dashboard_links');
    this.sessions = conn.collection('dashboard_sessions');
  }

  async init(): Promise<void> {
    await Promise.all([
      this.links.createIndex({ purgeAt: 1 }, { name: 'dashboard_link_purge', expireAfterSeconds: 0 }),
      this.sessions.createIndex({ purgeAt: 1 }, { name: 'dashboard_session_purge', expireAfterSeconds: 0 }),
    ]);
  }

  async addLink(link: LinkRecord): Promise<void> {
    const { hash, ...rest } = link;
    await this.links.insertOne({ _id: hash, ...rest, purgeAt: purgeAt(link.createdAt, link.expiresAt) } as never);
  }

  async findLink(hash: string): Promise<LinkRecord | undefined> {
    const doc = await this.links.findOne({ _id: String(hash) } as never);
    if (!doc) return undefined;
    const { _id, ...rest } = doc as Record<string, unknown>;
    return { hash: String(_id), ...(rest as Omit<LinkRecord, 'hash'>) };
  }

  /** Marks the link used if it is unused and unexpired; the link as it was, or undefined when it could not be spent. */
  async spendLink(hash: string, now: Date): Promise<LinkRecord | undefined> {
    const doc = await this.links.findOneAndUpdate(
      { _id: String(hash), usedAt: { $exists: false }, expiresAt: { $gt: now } } as never,
      { $set: { usedAt: now } },
      { returnDocument: 'before' },
    );
    if (!doc) return undefined;
    const { _id, ...rest } = doc as Record<string, unknown>;
    return { hash: String(_id), ...(rest as Omit<LinkRecord, 'hash'>) };
  }

  async addSession(session: SessionRecord): Promise<void> {
    const { hash, ...rest } = session;
    await this.sessions.insertOne({ _id: hash, ...rest, purgeAt: purgeAt(session.createdAt, session.expiresAt) } as never);
  }

  async findSession(hash: string, now: Date): Promise<SessionRecord | undefined> {
    // Expired by the app's clock is expired, whether or not the purge has removed it yet.
    const doc = await this.sessions.findOne({ _id: String(hash), expiresAt: { $gt: now } } as never);
    if (!doc) return undefined;
    const { _id, ...rest } = doc as Record<string, unknown>;
    return { hash: String(_id), ...(rest as Omit<SessionRecord, 'hash'>) };
  }

  async deleteSession(hash: string): Promise<void> {
    await this.sessions.deleteOne({ _id: String(hash) } as never);
  }
}
