// The access log on MongoDB. A TTL index removes entries five years after
// they were written (the policy's records.accessLogYears), so nothing has to
// remember to clean it up.
import type { Collection, Connection } from 'mongoose';
import { ACCESS_LOG_YEARS, type AccessEntry, type AccessLog, type AccessLogQuery } from '../records/access-log.js';

const YEAR_S = Math.round(365.25 * 24 * 3600);
/** MongoDB's codes for an index that exists with other options (a changed keep period). */
const INDEX_CONFLICT = [85, 86];

export class MongoAccessLog implements AccessLog {
  private readonly entries: Collection;

  /** `years`: how long entries are kept (policy records.accessLogYears). */
  constructor(
    conn: Connection,
    private readonly years = ACCESS_LOG_YEARS,
  ) {
    this.entries = conn.collection('access_log');
  }

  async init(): Promise<void> {
    const ttl = { name: 'access_log_ttl', expireAfterSeconds: this.years * YEAR_S };
    await this.entries.createIndex({ at: 1 }, ttl).catch(async (err: { code?: number }) => {
      // The keep period changed in the policy: the TTL index is rebuilt with the new one.
      if (!INDEX_CONFLICT.includes(err.code ?? 0)) throw err;
      await this.entries.dropIndex(ttl.name);
      await this.entries.createIndex({ at: 1 }, ttl);
    });
    await Promise.all([
      this.entries.createIndex({ actor: 1, at: -1 }, { name: 'access_log_actor' }),
      this.entries.createIndex({ subject: 1, at: -1 }, { name: 'access_log_subject' }),
    ]);
  }

  async record(entry: AccessEntry): Promise<void> {
    const doc = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
    await this.entries.insertOne(doc);
  }

  async list(query: AccessLogQuery): Promise<AccessEntry[]> {
    const filter: Record<string, unknown> = {};
    if (query.from || query.to) filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    if (query.actor) filter.actor = String(query.actor);
    if (query.subject) filter.subject = String(query.subject);
    const docs = await this.entries.find(filter, { projection: { _id: 0 } }).sort({ at: -1, _id: -1 }).limit(Math.min(Math.max(query.limit, 1), 1000)).toArray();
    return docs as unknown as AccessEntry[];
  }
}
