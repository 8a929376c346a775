// One collection: documents by record id, its indexes, and the primitive
// writes. A write checks every unique index before it touches anything, so a
// rejected write leaves documents and indexes exactly as they were.
import { ObjectId } from 'bson';
import { Index, normaliseIndexSpec, type IndexSpec } from './index-store.js';
import { ErrorCodes, fail } from './errors.js';
import { isPlainObject } from './values.js';

export type Doc = Record<string, unknown>;

export type ChangeRecord =
  | { op: 'put'; doc: Doc }
  | { op: 'del'; id: unknown }
  | { op: 'createIndex'; spec: Doc }
  | { op: 'dropIndex'; name: string };

export const ID_INDEX: IndexSpec = { key: { _id: 1 }, name: '_id_' };

export class Collection {
  readonly docs = new Map<number, Doc>();
  /** Declared indexes, `_id_` first. */
  readonly indexes: Index[] = [];
  /** Single-field helpers for fields that only appear inside compound indexes (see planner). */
  private hidden = new Map<string, Index>();
  private nextRid = 1;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc,
    private readonly onChange: (change: ChangeRecord) => void,
  ) {
    this.indexes.push(new Index({ ...ID_INDEX, unique: true }));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get count(): number {
    return this.docs.size;
  }

  /** Indexes the planner may use: declared ones and the single-field helpers. */
  get plannerIndexes(): Index[] {
    return [...this.indexes, ...this.hidden.values()];
  }

  private get idIndex(): Index {
    return this.indexes[0];
  }

  private allIndexes(): Index[] {
    return this.hidden.size ? [...this.indexes, ...this.hidden.values()] : this.indexes;
  }

  ridOfId(id: unknown): number | undefined {
    const idx = this.idIndex;
    const from = idx.entries.lowerBound((e) => idx.compareKeys(e.key, [id]));
    for (const e of idx.entries.range(from, idx.entries.end())) return idx.compareKeys(e.key, [id]) === 0 ? e.rid : undefined;
    return undefined;
  }

  insert(input: Doc): Doc {
    const doc = withId(input);
    const rid = this.nextRid++;
    const keys = this.indexes.map((ix) => ix.keysOf(doc));
    this.indexes.forEach((ix, i) => ix.checkUnique(keys[i], rid, this.ns));
    this.docs.set(rid, doc);
    this.indexes.forEach((ix, i) => ix.add(keys[i], rid));
    for (const ix of this.hidden.values()) ix.add(ix.keysOf(doc), rid);
    this.onChange({ op: 'put', doc });
    return doc;
  }

  /** Replaces the stored document of `rid` (same _id) after checking unique indexes. */
  replace(rid: number, next: Doc): void {
    const prev = this.docs.get(rid);
    if (!prev) return;
    const all = this.allIndexes();
    const oldKeys = all.map((ix) => ix.keysOf(prev));
    const newKeys = all.map((ix) => ix.keysOf(next));
    all.forEach((ix, i) => ix.checkUnique(newKeys[i], rid, this.ns));
    all.forEach((ix, i) => {
      ix.delete(oldKeys[i], rid);
      ix.add(newKeys[i], rid);
    });
    this.docs.set(rid, next);
    this.onChange({ op: 'put', doc: next });
  }

  remove(rid: number): void {
    const doc = this.docs.get(rid);
    if (!doc) return;
    for (const ix of this.allIndexes()) ix.delete(ix.keysOf(doc), rid);
    this.docs.delete(rid);
    this.onChange({ op: 'del', id: doc._id });
  }

  /** Applies a replayed journal write: insert, or replace the document with the same _id. */
  restorePut(doc: Doc): void {
    const rid = this.ridOfId(doc._id);
    if (rid === undefined) this.insert(doc);
    else this.replace(rid, doc);
  }

  restoreDelete(id: unknown): void {
    const rid = this.ridOfId(id);
    if (rid !== undefined) this.remove(rid);
  }

  /** Returns true when created, false when an identical index already existed. */
  createIndex(raw: Doc): boolean {
    const spec = normaliseIndexSpec(raw);
    for (const ix of this.indexes) {
      const sameKey = JSON.stringify(ix.spec.key) === JSON.stringify(spec.key);
      if (ix.name === spec.name || sameKey) {
        if (ix.name === spec.name && sameKey && sameOptions(ix.spec, spec)) return false;
        if (ix.name === spec.name && !sameKey)
          fail(ErrorCodes.IndexKeySpecsConflict, `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}`);
        if (spec.name === '_id_' || ix.name === '_id_') return false;
        fail(ErrorCodes.IndexOptionsConflict, `An equivalent index already exists with a different name or options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(ix.describe())}`);
      }
    }
    const index = new Index(spec);
    for (const [rid, doc] of this.docs) {
      const keys = index.keysOf(doc);
      index.checkUnique(keys, rid, this.ns);
      index.add(keys, rid);
    }
    this.indexes.push(index);
    this.refreshHidden();
    this.onChange({ op: 'createIndex', spec: { ...spec } });
    return true;
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((ix) => ix.name === name);
    if (i < 0) fail(ErrorCodes.IndexNotFound, `index not found with name [${name}]`);
    if (name === '_id_') fail(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    this.indexes.splice(i, 1);
    this.refreshHidden();
    this.onChange({ op: 'dropIndex', name });
  }

  findIndexByKey(key: Doc): Index | undefined {
    return this.indexes.find((ix) => JSON.stringify(ix.spec.key) === JSON.stringify(key));
  }

  /** Keeps one single-field helper per field that appears after the first position of a compound index or in a sparse/partial one. */
  private refreshHidden(): void {
    const covered = new Set(this.indexes.filter((ix) => ix.plannable).map((ix) => ix.fields[0]));
    const wanted = new Set<string>();
    for (const ix of this.indexes) for (const f of ix.fields) if (!covered.has(f)) wanted.add(f);
    for (const f of [...this.hidden.keys()]) if (!wanted.has(f)) this.hidden.delete(f);
    for (const f of wanted) {
      if (this.hidden.has(f)) continue;
      const ix = new Index({ key: { [f]: 1 }, name: `__hidden_${f}`, hidden: true });
      for (const [rid, doc] of this.docs) ix.add(ix.keysOf(doc), rid);
      this.hidden.set(f, ix);
    }
  }

  clear(): void {
    this.docs.clear();
    for (const ix of this.allIndexes()) ix.clear();
  }
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  const keys = ['unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression'];
  return keys.every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null) || (k === 'unique' && !a[k] === !b[k]));
}

/** Puts `_id` first, generating an ObjectId when absent, and rejects ids MongoDB rejects. */
export function withId(doc: Doc): Doc {
  const id = doc._id === undefined ? new ObjectId() : doc._id;
  if (Array.isArray(id)) fail(ErrorCodes.InvalidIdField, `The '_id' value cannot be of type array`);
  if (id instanceof RegExp) fail(ErrorCodes.InvalidIdField, `The '_id' value cannot be of type regex`);
  if (isPlainObject(id) && Object.keys(id).some((k) => k.startsWith('$')))
    fail(ErrorCodes.DollarPrefixedFieldName, `_id fields may not contain '$'-prefixed fields: ${Object.keys(id)[0]} is not valid for storage.`);
  const out: Doc = { _id: id };
  for (const [k, v] of Object.entries(doc)) if (k !== '_id' && v !== undefined) out[k] = v;
  return out;
}
