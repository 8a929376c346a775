// The journal's record vocabulary: what the engine appends and what replay
// hands back to it. Bodies are stored as BSON documents shaped exactly like
// these objects (`{ op, db, coll, ... }`).
import type { Document } from 'bson';

export type JournalRecord =
  | { op: 'put'; db: string; coll: string; doc: Record<string, unknown> } // full document after a write (insert or update)
  | { op: 'del'; db: string; coll: string; id: unknown } // delete by _id
  | { op: 'createCollection'; db: string; coll: string; options?: Record<string, unknown> }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'createIndex'; db: string; coll: string; spec: Record<string, unknown> } // spec = {key, name, unique?, sparse?, partialFilterExpression?, expireAfterSeconds?}
  | { op: 'dropIndex'; db: string; coll: string; name: string };

export interface SnapshotCollection {
  db: string;
  coll: string;
  options: Record<string, unknown>;
  indexes: Record<string, unknown>[];
  docs: Iterable<Record<string, unknown>>;
}

/** Builds the stored body of a record (only known fields, so stray properties never hit the disk). */
export function recordBody(r: JournalRecord): Document {
  switch (r.op) {
    case 'put':
      return { op: r.op, db: r.db, coll: r.coll, doc: r.doc };
    case 'del':
      return { op: r.op, db: r.db, coll: r.coll, id: r.id === undefined ? null : r.id };
    case 'createCollection':
      return r.options === undefined ? { op: r.op, db: r.db, coll: r.coll } : { op: r.op, db: r.db, coll: r.coll, options: r.options };
    case 'dropCollection':
      return { op: r.op, db: r.db, coll: r.coll };
    case 'dropDatabase':
      return { op: r.op, db: r.db };
    case 'createIndex':
      return { op: r.op, db: r.db, coll: r.coll, spec: r.spec };
    case 'dropIndex':
      return { op: r.op, db: r.db, coll: r.coll, name: r.name };
    default:
      throw new TypeError(`unknown journal record op ${JSON.stringify((r as { op?: unknown }).op)}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Validates a decoded body; returns the record or a reason it is not one. */
export function toRecord(b: Document): JournalRecord | string {
  if (!isStr(b.db)) return 'record without a db name';
  const needsColl = b.op !== 'dropDatabase';
  if (needsColl && !isStr(b.coll)) return `${String(b.op)} record without a collection name`;
  switch (b.op) {
    case 'put':
      return isObj(b.doc) ? { op: 'put', db: b.db, coll: b.coll, doc: b.doc } : 'put record without a document';
    case 'del':
      return 'id' in b ? { op: 'del', db: b.db, coll: b.coll, id: b.id } : 'del record without an id';
    case 'createCollection':
      if (b.options === undefined) return { op: 'createCollection', db: b.db, coll: b.coll };
      return isObj(b.options) ? { op: 'createCollection', db: b.db, coll: b.coll, options: b.options } : 'bad collection options';
    case 'dropCollection':
      return { op: 'dropCollection', db: b.db, coll: b.coll };
    case 'dropDatabase':
      return { op: 'dropDatabase', db: b.db };
    case 'createIndex':
      return isObj(b.spec) ? { op: 'createIndex', db: b.db, coll: b.coll, spec: b.spec } : 'createIndex record without a spec';
    case 'dropIndex':
      return isStr(b.name) ? { op: 'dropIndex', db: b.db, coll: b.coll, name: b.name } : 'dropIndex record without a name';
    default:
      return `unknown record op ${JSON.stringify(b.op)}`;
  }
}
