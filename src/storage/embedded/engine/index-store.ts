// One index of a collection: a sorted list of (key, record id) entries for
// lookups and ordered scans, plus a hash map of keys when the index is unique.
import { SortedList } from './sorted-list.js';
import { compareBound, compareValues, getPath, hashKey, isPlainObject } from './values.js';
import { ErrorCodes, fail } from './errors.js';
import { compileFilter, type Matcher } from './matcher.js';

export type Doc = Record<string, unknown>;

export interface IndexSpec {
  key: Record<string, 1 | -1>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  /** Internal single-field helper index (not listed, never unique). */
  hidden?: boolean;
  [option: string]: unknown;
}

export interface IndexEntry {
  key: unknown[];
  rid: number;
}

/** Sentinels below/above every key in index order (used to pad interval probes). */
export const LOW = Symbol('low');
export const HIGH = Symbol('high');

export class Index {
  readonly fields: string[];
  readonly directions: Array<1 | -1>;
  readonly entries: SortedList<IndexEntry>;
  private readonly uniqueKeys = new Map<string, number>();
  private readonly partial?: Matcher;
  /** True once any document produced several keys (an array in an indexed field): then index order cannot serve sorts. */
  multikey = false;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => (spec.key[f] === -1 ? -1 : 1));
    this.entries = new SortedList<IndexEntry>((a, b) => this.compareEntries(a, b));
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return !!this.spec.unique;
  }

  /** Can the planner use this index for any query? (Sparse and partial ones skip documents.) */
  get plannable(): boolean {
    return !this.spec.sparse && !this.partial;
  }

  /** Orders stored entries (inserts and removals): their keys are plain values, never probe sentinels or edges. */
  compareEntries(a: IndexEntry, b: IndexEntry): number {
    const x = a.key;
    const y = b.key;
    for (let i = 0; i < this.directions.length; i++) {
      const c = compareValues(x[i], y[i]);
      if (c !== 0) return c * this.directions[i];
    }
    return a.rid - b.rid;
  }

  /** Compares an entry's key with a probe key that may hold LOW/HIGH sentinels. */
  compareKeys(key: unknown[], probe: unknown[]): number {
    for (let i = 0; i < this.fields.length; i++) {
      const p = probe[i];
      if (p === LOW) return 1;
      if (p === HIGH) return -1;
      const c = compareBound(key[i], p) * this.directions[i];
      if (c !== 0) return c;
    }
    return 0;
  }

  /** Keys a document contributes: one per element when an indexed field holds an array. Empty when the index skips it. */
  keysOf(doc: Doc): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    if (this.spec.sparse && this.fields.every((f) => getPath(doc, f) === undefined)) return [];
    return dedupeKeys(keyTuples(doc, this.fields.map((f) => f.split('.'))));
  }

  /** Throws E11000 when `keys` would collide with another record's keys in a unique index. */
  checkUnique(keys: unknown[][], rid: number, ns: string): void {
    if (!this.spec.unique) return;
    for (const key of keys) {
      const owner = this.uniqueKeys.get(hashKey(key));
      if (owner !== undefined && owner !== rid) {
        const keyValue: Doc = {};
        this.fields.forEach((f, i) => (keyValue[f] = key[i]));
        const shown = this.fields.map((f, i) => `${f}: ${showValue(key[i])}`).join(', ');
        fail(ErrorCodes.DuplicateKey, `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`, {
          keyPattern: { ...this.spec.key },
          keyValue,
        });
      }
    }
  }

  add(keys: unknown[][], rid: number): void {
    if (keys.length > 1) this.multikey = true;
    for (const key of keys) {
      this.entries.insert({ key, rid });
      if (this.spec.unique) this.uniqueKeys.set(hashKey(key), rid);
    }
  }

  delete(keys: unknown[][], rid: number): void {
    for (const key of keys) {
      this.entries.remove({ key, rid });
      if (this.spec.unique && this.uniqueKeys.get(hashKey(key)) === rid) this.uniqueKeys.delete(hashKey(key));
    }
  }

  clear(): void {
    this.entries.clear();
    this.uniqueKeys.clear();
    this.multikey = false;
  }

  /** The spec as listIndexes reports it. */
  describe(): Doc {
    const out: Doc = { v: 2, key: { ...this.spec.key }, name: this.spec.name };
    if (this.spec.name === '_id_') return out;
    for (const [k, v] of Object.entries(this.spec)) if (!['key', 'name', 'v', 'hidden', 'ns'].includes(k) && v !== undefined) out[k] = v;
    return out;
  }
}

function dedupeKeys(keys: unknown[][]): unknown[][] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const h = hashKey(k);
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
}

const isIndexPart = (part: string) => /^\d+$/.test(part);

/**
 * Index keys of a document, as MongoDB builds them: an array on the way to a
 * field yields one key per element, and fields reached through the same array
 * are taken from the same element (so `{'a.p': 1, 'a.u': 1}` pairs each
 * element's p with its own u). Fields under different arrays combine freely.
 */
function keyTuples(doc: unknown, paths: string[][]): unknown[][] {
  const values: unknown[] = new Array(paths.length);
  let hit: { field: number; depth: number; array: unknown[] } | undefined;
  for (let i = 0; i < paths.length && !hit; i++) {
    let cur: unknown = doc;
    const parts = paths[i];
    for (let d = 0; d <= parts.length; d++) {
      if (Array.isArray(cur) && (d === parts.length || !isIndexPart(parts[d]))) {
        hit = { field: i, depth: d, array: cur };
        break;
      }
      if (d === parts.length) break;
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[parts[d]] : undefined;
    }
    values[i] = cur;
  }
  if (!hit) return [values.map((v) => (v === undefined ? null : v))];

  const prefix = paths[hit.field].slice(0, hit.depth).join('.');
  const inGroup = paths.map((p) => p.length >= hit!.depth && p.slice(0, hit!.depth).join('.') === prefix);
  const groupPaths = paths.filter((_, i) => inGroup[i]).map((p) => p.slice(hit!.depth));
  const elements = hit.array.length ? hit.array : [undefined];
  const groupTuples: unknown[][] = [];
  for (const element of elements) {
    // A path that ends at the array takes the element itself; nested arrays are not expanded again.
    const terminal = groupPaths.map((p) => p.length === 0);
    const deeper = groupPaths.filter((p) => p.length > 0);
    const sub = deeper.length ? keyTuples(element, deeper) : [[]];
    for (const tuple of sub) {
      let k = 0;
      groupTuples.push(terminal.map((isEnd) => (isEnd ? (element === undefined ? null : element) : tuple[k++])));
    }
  }
  const others = paths.filter((_, i) => !inGroup[i]);
  const otherTuples = others.length ? keyTuples(doc, others) : [[]];
  const out: unknown[][] = [];
  for (const g of groupTuples) {
    for (const o of otherTuples) {
      let gi = 0;
      let oi = 0;
      out.push(paths.map((_, i) => (inGroup[i] ? g[gi++] : o[oi++])));
    }
  }
  return out;
}

function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v === null || v === undefined) return 'null';
  if (isPlainObject(v) || Array.isArray(v)) return JSON.stringify(v);
  const hex = (v as { toHexString?: () => string }).toHexString?.();
  return hex ? `ObjectId('${hex}')` : String(v);
}

/** Validates a createIndexes spec; returns a normalised IndexSpec. */
export function normaliseIndexSpec(raw: Doc): IndexSpec {
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) fail(ErrorCodes.BadValue, 'Index key pattern must be a non-empty object');
  const normalKey: Record<string, 1 | -1> = {};
  for (const [f, d] of Object.entries(key)) {
    if (typeof d === 'string') fail(ErrorCodes.BadValue, `Index type '${d}' is not supported by the embedded server (only ascending/descending keys)`);
    const n = Number(d);
    if (!Number.isFinite(n) || n === 0) fail(ErrorCodes.BadValue, `Values in the index key pattern can't be 0: ${f}`);
    normalKey[f] = n < 0 ? -1 : 1;
  }
  if (typeof raw.name !== 'string' || !raw.name) fail(ErrorCodes.BadValue, 'Index spec must have a name');
  const spec: IndexSpec = { ...raw, key: normalKey, name: raw.name };
  if (spec.expireAfterSeconds !== undefined && Object.keys(normalKey).length !== 1)
    fail(ErrorCodes.InvalidOptions, 'TTL indexes are single-field indexes, compound indexes do not support TTL');
  return spec;
}
