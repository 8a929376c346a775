// Update, delete and findAndModify semantics on one collection: which records
// a statement touches, upserts, and the counts MongoDB reports.
import type { Collection, Doc } from './collection.js';
import { withId } from './collection.js';
import { matchingRecords, parseSort, project } from './query-exec.js';
import { applyReplacement, applyUpdate, classifyUpdate, documentsEqual, upsertSeed } from './update.js';
import { ErrorCodes, fail } from './errors.js';
import { isPlainObject } from './values.js';

export interface UpdateStatement {
  q: Doc;
  u: Doc | Doc[];
  multi?: boolean;
  upsert?: boolean;
  arrayFilters?: Doc[];
  sort?: Doc;
}

export interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}

function computeNext(doc: Doc, statement: UpdateStatement, isInsert: boolean, now: Date): Doc {
  const kind = classifyUpdate(statement.u);
  if (kind === 'replacement') {
    if (statement.multi) fail(ErrorCodes.FailedToParse, 'multi update is not supported for replacement-style update');
    return applyReplacement(doc, statement.u as Doc);
  }
  return applyUpdate(doc, statement.u, { arrayFilters: statement.arrayFilters, isInsert, now, query: statement.q });
}

function checkStatement(statement: UpdateStatement): void {
  if (!isPlainObject(statement.q)) fail(ErrorCodes.TypeMismatch, 'BSON field \'update.updates.q\' is the wrong type, expected type \'object\'');
  if (!isPlainObject(statement.u) && !Array.isArray(statement.u))
    fail(ErrorCodes.FailedToParse, 'Update argument must be either an object or an array');
}

export function runUpdate(coll: Collection, statement: UpdateStatement, now = new Date()): UpdateOutcome {
  checkStatement(statement);
  const sort = parseSort(statement.sort);
  const targets: Array<[number, Doc]> = [];
  for (const match of matchingRecords(coll, statement.q, sort, statement.multi ? undefined : 1)) {
    targets.push(match);
    if (!statement.multi) break;
  }
  if (targets.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const doc = upsertDocument(statement, now);
    coll.insert(doc);
    return { matched: 0, modified: 0, upsertedId: doc._id };
  }
  let modified = 0;
  for (const [rid, doc] of targets) {
    const next = computeNext(doc, statement, false, now);
    if (documentsEqual(doc, next)) continue;
    coll.replace(rid, next);
    modified++;
  }
  return { matched: targets.length, modified };
}

/** The document an upsert inserts: equality fields of the query, then the update (with $setOnInsert). */
export function upsertDocument(statement: UpdateStatement, now: Date): Doc {
  const kind = classifyUpdate(statement.u);
  const seed = upsertSeed(statement.q);
  if (kind === 'replacement') {
    return withId(applyReplacement(seed._id !== undefined ? { _id: seed._id } : {}, statement.u as Doc));
  }
  return withId(applyUpdate(seed, statement.u, { arrayFilters: statement.arrayFilters, isInsert: true, now, query: statement.q }));
}

export interface DeleteStatement {
  q: Doc;
  limit: number;
}

export function runDelete(coll: Collection, statement: DeleteStatement): number {
  if (!isPlainObject(statement.q)) fail(ErrorCodes.TypeMismatch, "BSON field 'delete.deletes.q' is the wrong type, expected type 'object'");
  if (statement.limit !== 0 && statement.limit !== 1) fail(ErrorCodes.FailedToParse, 'The limit field in delete objects must be 0 or 1. Got ' + statement.limit);
  const rids: number[] = [];
  for (const [rid] of matchingRecords(coll, statement.q, undefined, statement.limit || undefined)) {
    rids.push(rid);
    if (statement.limit === 1) break;
  }
  for (const rid of rids) coll.remove(rid);
  return rids.length;
}

export interface FindAndModifyRequest {
  query?: Doc;
  sort?: Doc;
  remove?: boolean;
  update?: Doc | Doc[];
  new?: boolean;
  fields?: Doc;
  upsert?: boolean;
  arrayFilters?: Doc[];
}

export interface FindAndModifyOutcome {
  value: Doc | null;
  lastErrorObject: Doc;
}

/** Atomic by construction: the engine is single-threaded and this runs without yielding. */
export function runFindAndModify(coll: Collection, req: FindAndModifyRequest, now = new Date()): FindAndModifyOutcome {
  const query = req.query ?? {};
  if (!isPlainObject(query)) fail(ErrorCodes.TypeMismatch, "BSON field 'findAndModify.query' is the wrong type, expected type 'object'");
  if (req.remove && req.update !== undefined) fail(ErrorCodes.FailedToParse, 'Cannot specify both an update and remove=true');
  if (!req.remove && req.update === undefined) fail(ErrorCodes.FailedToParse, 'Either an update or remove=true must be specified');
  if (req.remove && req.upsert) fail(ErrorCodes.FailedToParse, 'Cannot specify both upsert=true and remove=true');
  if (req.remove && req.new) fail(ErrorCodes.FailedToParse, 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document');
  const sort = parseSort(req.sort);
  const shape = (doc: Doc | null): Doc | null => (doc && req.fields && Object.keys(req.fields).length ? project([doc], req.fields, query)[0] ?? null : doc);

  let found: [number, Doc] | undefined;
  for (const match of matchingRecords(coll, query, sort, 1)) {
    found = match;
    break;
  }
  if (req.remove) {
    if (!found) return { value: null, lastErrorObject: { n: 0 } };
    coll.remove(found[0]);
    return { value: shape(found[1]), lastErrorObject: { n: 1 } };
  }
  const statement: UpdateStatement = { q: query, u: req.update!, upsert: req.upsert, arrayFilters: req.arrayFilters };
  checkStatement(statement);
  if (!found) {
    if (!req.upsert) return { value: null, lastErrorObject: { n: 0, updatedExisting: false } };
    const doc = upsertDocument(statement, now);
    const stored = coll.insert(doc);
    return { value: req.new ? shape(stored) : null, lastErrorObject: { n: 1, updatedExisting: false, upserted: stored._id } };
  }
  const [rid, before] = found;
  const next = computeNext(before, statement, false, now);
  if (!documentsEqual(before, next)) coll.replace(rid, next);
  return { value: shape(req.new ? next : before), lastErrorObject: { n: 1, updatedExisting: true } };
}
