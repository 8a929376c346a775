// Databases and collections, and the bridge to the journal: every change a
// command makes is queued here and made durable by `commit()` before the
// command's reply goes out.
import { Collection, type ChangeRecord, type Doc } from './collection.js';
import { ErrorCodes, fail } from './errors.js';
import { matchingRecords } from './query-exec.js';
import { Journal, type JournalRecord, type SnapshotCollection } from '../persistence/journal.js';

export interface CatalogOptions {
  dataDir?: string;
  onWarning?: (message: string) => void;
}

export class Catalog {
  readonly databases = new Map<string, Map<string, Collection>>();
  private pending: JournalRecord[] = [];
  private journal?: Journal;
  private replaying = false;
  private compacting?: Promise<void>;

  static async open(options: CatalogOptions = {}): Promise<Catalog> {
    const catalog = new Catalog();
    if (options.dataDir) {
      catalog.replaying = true;
      try {
        catalog.journal = await Journal.open(options.dataDir, (r) => catalog.replay(r), { onWarning: options.onWarning });
      } finally {
        catalog.replaying = false;
      }
      // Start from a fresh snapshot so the next start replays only what happens from now on.
      await catalog.journal.compact(() => catalog.snapshot());
    }
    return catalog;
  }

  get durable(): boolean {
    return !!this.journal;
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created on first write as MongoDB does implicitly. */
  ensureCollection(db: string, name: string, options: Doc = {}): Collection {
    return this.collection(db, name) ?? this.addCollection(db, name, options);
  }

  createCollection(db: string, name: string, options: Doc = {}): Collection {
    validateName(db, name);
    if (this.collection(db, name)) fail(ErrorCodes.NamespaceExists, `Collection ${db}.${name} already exists.`);
    return this.addCollection(db, name, options);
  }

  private addCollection(db: string, name: string, options: Doc): Collection {
    validateName(db, name);
    let colls = this.databases.get(db);
    if (!colls) this.databases.set(db, (colls = new Map()));
    const coll = new Collection(db, name, options, (change) => this.record(db, name, change));
    colls.set(name, coll);
    this.log({ op: 'createCollection', db, coll: name, options });
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.databases.get(db);
    if (!colls?.has(name)) return false;
    colls.delete(name);
    if (colls.size === 0) this.databases.delete(db);
    this.log({ op: 'dropCollection', db, coll: name });
    return true;
  }

  dropDatabase(db: string): void {
    if (!this.databases.delete(db)) return;
    this.log({ op: 'dropDatabase', db });
  }

  /** Makes every change queued so far durable (no-op in memory). */
  async commit(): Promise<void> {
    if (!this.journal || this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    await this.journal.append(records);
    if (this.journal.needsCompaction && !this.compacting) {
      this.compacting = this.journal.compact(() => this.snapshot()).finally(() => (this.compacting = undefined));
    }
  }

  /** Deletes documents whose TTL index date is older than expireAfterSeconds. Returns how many. */
  expire(now: Date): number {
    let removed = 0;
    for (const colls of this.databases.values()) {
      for (const coll of colls.values()) {
        for (const ix of coll.indexes) {
          const ttl = ix.spec.expireAfterSeconds;
          if (typeof ttl !== 'number') continue;
          // The TTL index itself serves this range, so a sweep never scans the collection.
          const expired = { [ix.fields[0]]: { $lte: new Date(now.getTime() - ttl * 1000) } };
          for (const [rid] of [...matchingRecords(coll, expired)]) {
            coll.remove(rid);
            removed++;
          }
        }
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.commit();
    await this.compacting;
    await this.journal?.close();
    this.journal = undefined;
  }

  private record(db: string, coll: string, change: ChangeRecord): void {
    switch (change.op) {
      case 'put':
        return this.log({ op: 'put', db, coll, doc: change.doc });
      case 'del':
        return this.log({ op: 'del', db, coll, id: change.id });
      case 'createIndex':
        return this.log({ op: 'createIndex', db, coll, spec: change.spec });
      case 'dropIndex':
        return this.log({ op: 'dropIndex', db, coll, name: change.name });
    }
  }

  private log(record: JournalRecord): void {
    if (this.journal && !this.replaying) this.pending.push(record);
  }

  private replay(r: JournalRecord): void {
    switch (r.op) {
      case 'createCollection':
        this.ensureCollection(r.db, r.coll, r.options ?? {});
        return;
      case 'dropCollection':
        this.dropCollection(r.db, r.coll);
        return;
      case 'dropDatabase':
        this.dropDatabase(r.db);
        return;
      case 'createIndex':
        this.ensureCollection(r.db, r.coll).createIndex(r.spec);
        return;
      case 'dropIndex':
        this.collection(r.db, r.coll)?.dropIndex(r.name);
        return;
      case 'put':
        this.ensureCollection(r.db, r.coll).restorePut(r.doc);
        return;
      case 'del':
        this.collection(r.db, r.coll)?.restoreDelete(r.id);
        return;
    }
  }

  private *snapshot(): Iterable<SnapshotCollection> {
    for (const [db, colls] of this.databases) {
      for (const [name, coll] of colls) {
        yield {
          db,
          coll: name,
          options: coll.options,
          indexes: coll.indexes.filter((ix) => ix.name !== '_id_').map((ix) => ({ ...ix.spec })),
          docs: [...coll.docs.values()],
        };
      }
    }
  }
}

function validateName(db: string, name: string): void {
  if (!db || /[/\\. "$]/.test(db)) fail(ErrorCodes.InvalidNamespace, `Invalid database name: '${db}'`);
  if (!name || name.includes('$') || name.startsWith('.') || name.includes('\0'))
    fail(ErrorCodes.InvalidNamespace, `Invalid collection name: ${name}`);
}
