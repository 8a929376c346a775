// Path handling for update operators: parsing dotted update paths, conflict
// detection, and creating/removing fields the way MongoDB's update tree does.
// Also the value formatting used in MongoDB-style error messages.
import { ErrorCodes, fail } from './errors.js';

type Obj = Record<string, unknown>;

/** A genuine sub-document (not a BSON value class such as ObjectId, Long or Date). */
export function isDocument(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Own field only: update paths must never reach inherited members such as __proto__ or constructor. */
export function getField(obj: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Assign an own field, even one named __proto__ (plain assignment would replace the prototype). */
export function setField(obj: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** Deep copy of documents and arrays; BSON value objects are immutable in practice and shared (Dates copied). */
export function cloneValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (!isDocument(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v)) setField(out, k, cloneValue(v[k]));
  return out as T;
}

const bsonTypeNames: Record<string, string> = {
  ObjectId: 'objectId',
  ObjectID: 'objectId',
  Long: 'long',
  Decimal128: 'decimal',
  Double: 'double',
  Int32: 'int',
  Timestamp: 'timestamp',
  Binary: 'binData',
  BSONRegExp: 'regex',
  Code: 'javascript',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  BSONSymbol: 'symbol',
};

/** MongoDB's type name ($type alias) of a value, as used in error messages. */
export function bsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      // The driver sends integral numbers in int32 range as int32, the rest as double.
      return Number.isInteger(v) && !Object.is(v, -0) && Math.abs(v) <= 0x7fffffff ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      break;
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (v instanceof Uint8Array) return 'binData';
  const t = (v as { _bsontype?: string })._bsontype;
  return (t && bsonTypeNames[t]) || 'object';
}

/** Roughly BSONElement::toString, so messages read like the real server's. */
export function formatValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.length ? `[ ${v.map(formatValue).join(', ')} ]` : '[]';
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (isDocument(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    return keys.length ? `{ ${keys.map((k) => formatElement(k, v[k])).join(', ')} }` : '{}';
  }
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'ObjectId' || t === 'ObjectID') return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
  if (t === 'Timestamp') {
    const ts = v as unknown as { t: number; i: number };
    return `Timestamp(${ts.t}, ${ts.i})`;
  }
  return String(v);
}

export function formatElement(name: string, v: unknown): string {
  return `${name}: ${formatValue(v)}`;
}

/** "{_id: 1}" as embedded in several MongoDB update errors. */
export function idForMessage(doc: Obj): string {
  return doc._id === undefined ? '{no id}' : `{${formatElement('_id', doc._id)}}`;
}

export function isIndex(part: string): boolean {
  return /^\d+$/.test(part);
}

export function isPositional(part: string): boolean {
  return part === '$' || (part.startsWith('$[') && part.endsWith(']'));
}

/** Split and validate an update path (empty parts, misplaced or repeated '$'). */
export function splitUpdatePath(path: string): string[] {
  if (path === '') fail(56, 'An empty update path is not valid.');
  const parts = path.split('.');
  if (parts.some((p) => p === '')) fail(56, `The update path '${path}' contains an empty field name, which is not allowed.`);
  if (isPositional(parts[0])) {
    fail(ErrorCodes.BadValue, `Cannot have positional (i.e. '$') element in the first component in path '${path}'`);
  }
  if (parts.filter((p) => p === '$').length > 1) {
    fail(ErrorCodes.BadValue, `Too many positional (i.e. '$') elements found in path '${path}'`);
  }
  return parts;
}

/** Identifiers of the `$[id]` parts of a path. */
export function filterIdentifiers(parts: string[]): string[] {
  return parts.filter((p) => p.startsWith('$[') && p.length > 3).map((p) => p.slice(2, -1));
}

function comparePart(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '$') return -1;
  if (b === '$') return 1;
  if (isIndex(a) && isIndex(b)) {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a < b ? -1 : 1;
  }
  return a < b ? -1 : 1;
}

/** Order in which MongoDB (5.0+) applies updates: field names lexicographically, numeric names numerically. */
export function compareUpdatePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePart(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Parse-time conflicts: the same path, or one path a prefix of another, updated twice. */
export class PathConflicts {
  private readonly seen: string[][] = [];

  add(parts: string[]): void {
    for (const other of this.seen) {
      const n = Math.min(other.length, parts.length);
      let i = 0;
      while (i < n && other[i] === parts[i]) i++;
      if (i === n) {
        fail(
          ErrorCodes.ConflictingUpdateOperators,
          `Updating the path '${parts.join('.')}' would create a conflict at '${parts.slice(0, n).join('.')}'`,
        );
      }
    }
    this.seen.push(parts);
  }
}

/** Run-time conflicts between concrete paths (positional expansions can collide). */
export class AppliedPaths {
  private readonly applied = new Set<string>();
  private readonly prefixes = new Set<string>();

  add(parts: string[]): void {
    const full = parts.join('.');
    let prefix = '';
    const conflict = (): never => fail(ErrorCodes.ConflictingUpdateOperators, `Update created a conflict at '${full}'`);
    if (this.prefixes.has(full)) conflict();
    for (const p of parts) {
      prefix = prefix ? `${prefix}.${p}` : p;
      if (this.applied.has(prefix)) conflict();
      this.prefixes.add(prefix);
    }
    this.applied.add(full);
  }
}

export type LeafResult = { value: unknown } | 'unset' | undefined;
export type LeafFn = (current: unknown, exists: boolean, fieldName: string) => LeafResult;

function cannotCreate(part: string, name: string, container: unknown): never {
  return fail(ErrorCodes.PathNotViable, `Cannot create field '${part}' in element {${formatElement(name, container)}}`);
}

/**
 * Apply `fn` at a concrete path. With `create`, missing parents become
 * sub-documents and array indexes past the end are padded with null; without
 * it, a missing or non-traversable path is a no-op ($unset, $pop, $pull).
 */
export function modifyPath(root: Obj, parts: string[], create: boolean, fn: LeafFn): void {
  let container: Obj | unknown[] = root;
  let containerName = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    let exists: boolean;
    let current: unknown;
    if (Array.isArray(container)) {
      if (!isIndex(part)) return create ? cannotCreate(part, containerName, container) : undefined;
      const idx = Number(part);
      exists = idx < container.length;
      current = container[idx];
    } else {
      current = getField(container, part);
      exists = current !== undefined;
    }
    if (last) {
      const res = fn(current, exists, part);
      if (res === undefined) return;
      if (res === 'unset') {
        if (!exists) return;
        // MongoDB keeps array positions stable: unsetting an element leaves null.
        if (Array.isArray(container)) container[Number(part)] = null;
        else delete container[part];
        return;
      }
      assign(container, part, res.value);
      return;
    }
    if (!exists) {
      if (!create) return;
      current = {};
      assign(container, part, current);
    } else if (!Array.isArray(current) && !isDocument(current)) {
      return create ? cannotCreate(parts[i + 1], part, current) : undefined;
    }
    container = current as Obj | unknown[];
    containerName = part;
  }
}

function assign(container: Obj | unknown[], part: string, value: unknown): void {
  if (Array.isArray(container)) {
    const idx = Number(part);
    while (container.length < idx) container.push(null);
    container[idx] = value;
  } else {
    setField(container, part, value);
  }
}

/** Read a concrete path without implicit array traversal; `arrayAt` names the first array crossed. */
export function readExact(root: Obj, parts: string[]): { exists: boolean; value: unknown; arrayAt?: string } {
  let cur: unknown = root;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(cur)) return { exists: false, value: undefined, arrayAt: parts.slice(0, i).join('.') };
    const next = isDocument(cur) ? getField(cur, parts[i]) : undefined;
    if (next === undefined) return { exists: false, value: undefined };
    cur = next;
  }
  return { exists: true, value: cur };
}
