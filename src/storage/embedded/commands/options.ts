// Field checks shared by the read and write commands. A real 7.0 server
// rejects fields it does not know (so a typo or a newer-server option fails
// loudly); options the embedded server cannot honour fail with a clear reason
// instead of being silently ignored and giving different results.
import { ErrorCodes, fail } from '../engine/errors.js';
import type { Collection } from '../engine/collection.js';
import { isPlainObject } from '../engine/values.js';
import type { Doc } from './context.js';

/** Fields any command may carry (sessions, read/write concern, API versioning, cluster gossip). */
const GENERIC = [
  '$db', 'lsid', 'txnNumber', '$clusterTime', '$readPreference', 'readConcern', 'writeConcern', 'maxTimeMS', 'comment',
  'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'autocommit', 'startTransaction', 'mayBypassWriteBlocking', '$audit',
];

const FIELDS: Record<string, string[]> = {
  insert: ['documents', 'ordered', 'bypassDocumentValidation'],
  update: ['updates', 'ordered', 'bypassDocumentValidation', 'let'],
  'update.updates': ['q', 'u', 'multi', 'upsert', 'arrayFilters', 'hint', 'collation', 'c'],
  delete: ['deletes', 'ordered', 'let'],
  'delete.deletes': ['q', 'limit', 'hint', 'collation'],
  find: ['filter', 'sort', 'projection', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'max', 'min', 'returnKey', 'showRecordId',
    'tailable', 'oplogReplay', 'noCursorTimeout', 'awaitData', 'allowPartialResults', 'collation', 'allowDiskUse', 'let', 'readOnce'],
  findAndModify: ['query', 'sort', 'remove', 'update', 'new', 'fields', 'upsert', 'bypassDocumentValidation', 'arrayFilters', 'hint', 'collation', 'let'],
  aggregate: ['pipeline', 'explain', 'allowDiskUse', 'cursor', 'bypassDocumentValidation', 'hint', 'collation', 'let'],
  count: ['query', 'limit', 'skip', 'hint', 'collation', 'fields'],
  distinct: ['key', 'query', 'collation', 'hint'],
};

function checkKnownFields(doc: Doc, path: string, allowed: string[], commandName?: string): void {
  for (const key of Object.keys(doc)) {
    if (key === commandName) continue;
    if (allowed.includes(key) || (commandName !== undefined && GENERIC.includes(key))) continue;
    fail(ErrorCodes.UnknownField, `BSON field '${path}.${key}' is an unknown field.`);
  }
}

function checkCollation(value: unknown): void {
  if (value === undefined || value === null) return;
  if (isPlainObject(value) && (Object.keys(value).length === 0 || value.locale === 'simple')) return;
  fail(ErrorCodes.CommandNotSupported, 'collation is not supported by the embedded server (use a real MongoDB through MONGODB_URI)');
}

function checkHint(value: unknown, coll: Collection | undefined): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' && value === '$natural') return;
  if (isPlainObject(value) && Object.keys(value).length === 0) return;
  if (isPlainObject(value) && '$natural' in value) return;
  const exists =
    typeof value === 'string' ? !!coll?.indexes.some((ix) => ix.name === value) : isPlainObject(value) && !!coll?.findIndexByKey(value);
  // A hint only names an index; the planner already picks the cheapest one, so a valid hint changes nothing.
  if (!exists) fail(ErrorCodes.BadValue, 'hint provided does not correspond to an existing index');
}

/** Validates a command's top-level fields and, for write batches, each statement's fields. */
export function checkCommandFields(name: keyof typeof FIELDS & string, cmd: Doc, coll: Collection | undefined): void {
  checkKnownFields(cmd, name, FIELDS[name] ?? [], Object.keys(cmd)[0]);
  if (cmd.let !== undefined) fail(ErrorCodes.CommandNotSupported, "'let' variables are not supported by the embedded server");
  checkCollation(cmd.collation);
  checkHint(cmd.hint, coll);
  const listField = name === 'update' ? 'updates' : name === 'delete' ? 'deletes' : undefined;
  if (!listField || !Array.isArray(cmd[listField])) return;
  for (const statement of cmd[listField] as unknown[]) {
    if (!isPlainObject(statement)) fail(ErrorCodes.TypeMismatch, `BSON field '${name}.${listField}' must be an array of objects`);
    checkKnownFields(statement, `${name}.${listField}`, FIELDS[`${name}.${listField}`]);
    checkCollation(statement.collation);
    checkHint(statement.hint, coll);
  }
}
