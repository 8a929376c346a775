// MongoDB update semantics as pure functions: operator updates, pipeline
// updates, replacements and upsert seeds. Inputs are never mutated; every
// result is a fresh deep copy.
import { Aggregator } from 'mingo';
import { ErrorCodes, MongoCommandError, fail } from './errors.js';
import { compareValues, typeRank, valuesEqual } from './values.js';
import { operatorParsers, type OpEnv, type ParsedOp } from './update-operators.js';
import {
  AppliedPaths,
  PathConflicts,
  bsonTypeName,
  cloneValue,
  compareUpdatePaths,
  filterIdentifiers,
  formatElement,
  formatValue,
  getField,
  isDocument,
  isPositional,
  modifyPath,
  readExact,
  setField,
  splitUpdatePath,
} from './update-paths.js';
import { compileArrayFilters, expandPath } from './update-positional.js';

export type Doc = Record<string, unknown>;

export interface UpdateContext {
  arrayFilters?: Doc[];
  /** The update is building a new document for an upsert ($setOnInsert applies). */
  isInsert?: boolean;
  now?: Date;
  /** The filter that selected the document, for the positional `$`. */
  query?: Doc;
}

interface Entry {
  op: string;
  path: string;
  parts: string[];
  /** Position in MongoDB's update tree (the destination for $rename). */
  sortParts: string[];
  parsed?: ParsedOp;
  renameTo?: string[];
}

const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

const unknownModifier = (op: string): never =>
  fail(ErrorCodes.FailedToParse, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);

/**
 * Kind of update: an operator document ($set…), a pipeline (array) or a replacement document.
 * Validates operators and stages up front (code 9 for unknown modifiers or plain fields mixed into an operator document).
 */
export function classifyUpdate(update: unknown): 'operators' | 'pipeline' | 'replacement' {
  if (Array.isArray(update)) {
    parsePipeline(update);
    return 'pipeline';
  }
  if (!isDocument(update)) fail(ErrorCodes.TypeMismatch, 'Update argument must be either an object or an array');
  const first = Object.keys(update)[0];
  // Like MongoDB, the first field decides; a later $-field in a replacement is rejected by applyReplacement (code 52).
  if (first === undefined || !first.startsWith('$')) return 'replacement';
  parseOperators(update);
  return 'operators';
}

/** Apply operator or pipeline update; returns a NEW document (input untouched, deep-copied where changed). Throws MongoCommandError like MongoDB. */
export function applyUpdate(doc: Doc, update: Doc | Doc[], ctx: UpdateContext = {}): Doc {
  if (Array.isArray(update)) return applyPipeline(doc, update, ctx);
  if (classifyUpdate(update) === 'replacement') return applyReplacement(doc, update);
  return applyOperators(doc, update, ctx);
}

/** Replacement: keeps the original _id (first field), rejects a different _id (code 66), rejects $-prefixed top-level fields. */
export function applyReplacement(doc: Doc, replacement: Doc): Doc {
  for (const key of Object.keys(replacement)) {
    if (key.startsWith('$')) {
      fail(
        ErrorCodes.DollarPrefixedFieldName,
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  return withOriginalId(doc, replacement);
}

/** Seed document for an upsert built from the filter's equality predicates (plain values, $eq, $and of those, dotted paths expanded into nested docs); _id included when given. */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const seen: string[][] = [];
  const add = (path: string, value: unknown): void => {
    const parts = path.split('.');
    for (const other of seen) {
      const n = Math.min(other.length, parts.length);
      if (other.slice(0, n).join('.') !== parts.slice(0, n).join('.')) continue;
      const msg =
        other.length === parts.length
          ? `cannot infer query fields to set, path '${path}' is matched twice`
          : `cannot infer query fields to set, both paths '${path}' and '${other.join('.')}' are matched`;
      fail(54, msg);
    }
    seen.push(parts);
    let cur = seed;
    for (const p of parts.slice(0, -1)) {
      if (!isDocument(getField(cur, p))) setField(cur, p, {});
      cur = cur[p] as Doc;
    }
    setField(cur, parts[parts.length - 1], cloneValue(value));
  };
  const visit = (q: Doc): void => {
    for (const [key, value] of Object.entries(q)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const sub of value) if (isDocument(sub)) visit(sub);
      } else if (key.startsWith('$') || value === undefined) {
        continue;
      } else if (isDocument(value) && Object.keys(value)[0]?.startsWith('$')) {
        if ('$eq' in value) add(key, value.$eq);
      } else if (typeRank(value) !== 12) {
        // Regular expressions are matches, not values to store.
        add(key, value);
      }
    }
  };
  visit(filter);
  return seed._id === undefined ? seed : { _id: seed._id, ...seed };
}

/** True when the two documents are equal field-by-field in order (for nModified counting). */
export function documentsEqual(a: Doc, b: Doc): boolean {
  return sameValue(a, b);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isDocument(a) || isDocument(b)) {
    if (!isDocument(a) || !isDocument(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue(a[k], b[k]));
  }
  // BSON values: same class (a Long is stored differently from an int) and same value.
  return Object.getPrototypeOf(a) === Object.getPrototypeOf(b) && compareValues(a, b) === 0;
}

function parseOperators(update: Doc, filters?: Map<string, unknown>): Entry[] {
  const conflicts = new PathConflicts();
  const entries: Entry[] = [];
  for (const [op, arg] of Object.entries(update)) {
    const parser = operatorParsers[op];
    if (!parser && op !== '$rename') unknownModifier(op);
    if (!isDocument(arg)) {
      fail(
        ErrorCodes.FailedToParse,
        `Modifiers operate on fields but we found type ${bsonTypeName(arg)} instead. For example: {$mod: {<field>: ...}} not {${formatElement(op, arg)}}`,
      );
    }
    for (const [path, value] of Object.entries(arg)) {
      const parts = splitUpdatePath(path);
      if (op === '$rename') {
        entries.push(parseRename(path, parts, value, conflicts));
        continue;
      }
      conflicts.add(parts);
      if (filters) {
        for (const id of filterIdentifiers(parts)) {
          if (!filters.has(id)) fail(ErrorCodes.BadValue, `No array filter found for identifier '${id}' in path '${path}'`);
        }
      }
      entries.push({ op, path, parts, sortParts: parts, parsed: parser(path, value) });
    }
  }
  return entries;
}

function parseRename(path: string, from: string[], value: unknown, conflicts: PathConflicts): Entry {
  if (typeof value !== 'string') fail(ErrorCodes.BadValue, `The 'to' field for $rename must be a string: ${formatElement(path, value)}`);
  const to = splitUpdatePath(value);
  if (from.some(isPositional)) fail(ErrorCodes.BadValue, `The source field for $rename may not be dynamic: ${path}`);
  if (to.some(isPositional)) fail(ErrorCodes.BadValue, `The destination field for $rename may not be dynamic: ${value}`);
  if (path === value) fail(ErrorCodes.BadValue, `The source and target field for $rename must differ: ${formatElement(path, value)}`);
  if (value.startsWith(path + '.') || path.startsWith(value + '.')) {
    fail(ErrorCodes.BadValue, `The source and target field for $rename must not be on the same path: ${formatElement(path, value)}`);
  }
  conflicts.add(to);
  conflicts.add(from);
  return { op: '$rename', path, parts: from, sortParts: to, renameTo: to };
}

function applyOperators(doc: Doc, update: Doc, ctx: UpdateContext): Doc {
  const filters = compileArrayFilters(ctx.arrayFilters);
  const entries = parseOperators(update, filters);
  const used = new Set(entries.flatMap((e) => filterIdentifiers(e.parts)));
  for (const id of filters.keys()) {
    if (!used.has(id)) fail(ErrorCodes.FailedToParse, `The array filter for identifier '${id}' was not used in the update ${formatValue(update)}`);
  }
  const out = cloneValue(doc);
  const env: OpEnv = { doc: out, isInsert: ctx.isInsert === true, now: ctx.now ?? new Date() };
  const applied = new AppliedPaths();
  // MongoDB applies updates in field-name order, which decides where new fields land.
  entries.sort((a, b) => compareUpdatePaths(a.sortParts, b.sortParts));
  for (const e of entries) {
    if (e.renameTo) {
      applyRename(out, e.parts, e.renameTo, applied);
      continue;
    }
    if (e.op === '$setOnInsert' && !env.isInsert) continue;
    const parsed = e.parsed as ParsedOp;
    for (const concrete of expandPath(out, e.parts, { query: ctx.query, filters })) {
      applied.add(concrete);
      modifyPath(out, concrete, parsed.create, (cur, exists, name) => parsed.leaf(cur, exists, name, env));
    }
  }
  if (doc._id !== undefined && (out._id === undefined || !valuesEqual(doc._id, out._id))) {
    const path = entries.find((e) => e.parts[0] === '_id' || e.renameTo?.[0] === '_id');
    const shown = path ? (path.parts[0] === '_id' ? path.path : (path.renameTo as string[]).join('.')) : '_id';
    fail(ErrorCodes.ImmutableField, `Performing an update on the path '${shown}' would modify the immutable field '_id'`);
  }
  // An inserted document stores _id first even when an operator created it.
  return env.isInsert && out._id !== undefined ? { _id: out._id, ...out } : out;
}

function applyRename(doc: Doc, from: string[], to: string[], applied: AppliedPaths): void {
  const src = readExact(doc, from);
  const id = formatElement('_id', doc._id);
  if (src.arrayAt !== undefined) {
    fail(ErrorCodes.BadValue, `The source field cannot be an array element, '${from.join('.')}' in doc with ${id} has an array field called '${src.arrayAt}'`);
  }
  if (!src.exists) return;
  const dst = readExact(doc, to);
  if (dst.arrayAt !== undefined) {
    fail(ErrorCodes.BadValue, `The destination field cannot be an array element, '${to.join('.')}' in doc with ${id} has an array field called '${dst.arrayAt}'`);
  }
  applied.add(from);
  applied.add(to);
  modifyPath(doc, from, false, () => 'unset');
  modifyPath(doc, to, true, () => ({ value: src.value }));
}

function parsePipeline(stages: unknown[]): void {
  for (const stage of stages) {
    if (!isDocument(stage) || Object.keys(stage).length !== 1) {
      fail(40323, 'A pipeline stage specification object must contain exactly one field.');
    }
    const name = Object.keys(stage)[0];
    if (!PIPELINE_STAGES.has(name)) fail(ErrorCodes.InvalidOptions, `${name} is not allowed to be used within an update`);
  }
}

/** Pin $$NOW to ctx.now so one update sees one clock value. */
function pinNow(v: unknown, now: Date): unknown {
  if (v === '$$NOW') return { $literal: now };
  if (Array.isArray(v)) return v.map((x) => pinNow(x, now));
  if (!isDocument(v)) return v;
  const out: Doc = {};
  for (const [k, x] of Object.entries(v)) setField(out, k, k === '$literal' ? x : pinNow(x, now));
  return out;
}

function applyPipeline(doc: Doc, pipeline: Doc[], ctx: UpdateContext): Doc {
  parsePipeline(pipeline);
  if (ctx.arrayFilters?.length) fail(ErrorCodes.FailedToParse, 'arrayFilters may not be specified for pipeline-style updates');
  const stages = (ctx.now ? pinNow(pipeline, ctx.now) : pipeline) as Doc[];
  let result: unknown[];
  try {
    result = new Aggregator(stages).run([cloneValue(doc)]);
  } catch (e) {
    if (e instanceof MongoCommandError) throw e;
    return fail(ErrorCodes.BadValue, (e as Error).message);
  }
  const raw = result[0];
  if (result.length !== 1 || !isDocument(raw)) return fail(ErrorCodes.BadValue, 'The update pipeline did not produce a document');
  return withOriginalId(doc, raw);
}

/** `_id` first and unchanged (re-added from the original when the new content omits it). */
function withOriginalId(doc: Doc, content: Doc): Doc {
  const out: Doc = {};
  if (doc._id !== undefined) {
    if (content._id !== undefined && !valuesEqual(content._id, doc._id)) {
      fail(ErrorCodes.ImmutableField, `After applying the update, the (immutable) field '_id' was found to have been altered to ${formatElement('_id', content._id)}`);
    }
    out._id = cloneValue(doc._id);
  } else if (content._id !== undefined) {
    out._id = cloneValue(content._id);
  }
  for (const [k, v] of Object.entries(content)) if (k !== '_id') setField(out, k, cloneValue(v));
  return out;
}
