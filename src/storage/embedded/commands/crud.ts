// insert / update / delete: batches of statements, ordered or not, with
// per-statement write errors reported the way MongoDB reports them.
import { MongoCommandError, ErrorCodes, fail } from '../engine/errors.js';
import { runDelete, runUpdate, type UpdateStatement } from '../engine/writes.js';
import type { CommandContext, CommandTable, Doc } from './context.js';
import { targetCollection } from './context.js';
import { checkCommandFields } from './options.js';

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

/** Runs each statement; a MongoDB error becomes a writeError, anything else is a bug and propagates. */
function eachStatement<T>(items: T[], ordered: boolean, run: (item: T, index: number) => void): WriteError[] {
  const errors: WriteError[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i], i);
    } catch (err) {
      if (!(err instanceof MongoCommandError)) throw err;
      errors.push({ index: i, code: err.code, codeName: err.codeName, errmsg: err.message, ...err.extra });
      if (ordered) break;
    }
  }
  return errors;
}

function statements(cmd: Doc, field: string): Doc[] {
  const list = cmd[field];
  if (!Array.isArray(list)) fail(ErrorCodes.FailedToParse, `BSON field '${field}' is missing but a required field`);
  if (list.length > 100_000) fail(ErrorCodes.InvalidLength, `Write batch sizes must be between 1 and 100000. Got ${list.length} operations.`);
  return list as Doc[];
}

function withErrors(reply: Doc, errors: WriteError[]): Doc {
  return errors.length ? { ...reply, writeErrors: errors, ok: 1 } : { ...reply, ok: 1 };
}

function rejectTransactions(cmd: Doc): void {
  if (cmd.startTransaction || cmd.autocommit === false || cmd.txnNumber !== undefined)
    fail(ErrorCodes.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos');
}

function insert(ctx: CommandContext, cmd: Doc): Doc {
  rejectTransactions(cmd);
  const name = targetCollection(cmd, 'insert');
  const docs = statements(cmd, 'documents');
  checkCommandFields('insert', cmd, ctx.catalog.collection(ctx.db, name));
  const coll = ctx.catalog.ensureCollection(ctx.db, name);
  let n = 0;
  const errors = eachStatement(docs, cmd.ordered !== false, (doc) => {
    coll.insert(doc);
    n++;
  });
  return withErrors({ n }, errors);
}

function update(ctx: CommandContext, cmd: Doc): Doc {
  rejectTransactions(cmd);
  const name = targetCollection(cmd, 'update');
  const list = statements(cmd, 'updates');
  checkCommandFields('update', cmd, ctx.catalog.collection(ctx.db, name));
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const errors = eachStatement(list, cmd.ordered !== false, (raw, index) => {
    const statement = raw as unknown as UpdateStatement;
    const existing = ctx.catalog.collection(ctx.db, name);
    if (!existing && !statement.upsert) return;
    const coll = existing ?? ctx.catalog.ensureCollection(ctx.db, name);
    const outcome = runUpdate(coll, statement);
    n += outcome.matched;
    nModified += outcome.modified;
    if (outcome.upsertedId !== undefined) {
      n++;
      upserted.push({ index, _id: outcome.upsertedId });
    }
  });
  return withErrors({ n, nModified, ...(upserted.length ? { upserted } : {}) }, errors);
}

function remove(ctx: CommandContext, cmd: Doc): Doc {
  rejectTransactions(cmd);
  const name = targetCollection(cmd, 'delete');
  const list = statements(cmd, 'deletes');
  checkCommandFields('delete', cmd, ctx.catalog.collection(ctx.db, name));
  const coll = ctx.catalog.collection(ctx.db, name);
  let n = 0;
  const errors = eachStatement(list, cmd.ordered !== false, (statement) => {
    if (coll) n += runDelete(coll, { q: statement.q as Doc, limit: Number(statement.limit ?? 0) });
  });
  return withErrors({ n }, errors);
}

export const crudCommands: CommandTable = { insert, update, delete: remove };
export { rejectTransactions };
