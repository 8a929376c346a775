// Reads: find, getMore, killCursors, count, distinct, findAndModify.
import { countMatches, findDocuments, matchingRecords } from '../engine/query-exec.js';
import { runFindAndModify } from '../engine/writes.js';
import { getPath, hashKey } from '../engine/values.js';
import { ErrorCodes, fail } from '../engine/errors.js';
import type { CommandContext, CommandTable, Doc } from './context.js';
import { optionalDoc, optionalInt, targetCollection } from './context.js';
import { rejectTransactions } from './crud.js';
import { checkCommandFields } from './options.js';

function find(ctx: CommandContext, cmd: Doc): Doc {
  rejectTransactions(cmd);
  const name = targetCollection(cmd, 'find');
  checkCommandFields('find', cmd, ctx.catalog.collection(ctx.db, name));
  const limit = optionalInt(cmd, 'limit');
  const batchSize = optionalInt(cmd, 'batchSize');
  if (batchSize !== undefined && batchSize < 0) fail(ErrorCodes.BadValue, `BatchSize value must be non-negative, but received: ${batchSize}`);
  if (limit !== undefined && limit < 0) fail(ErrorCodes.BadValue, `LimitValue must be non-negative, but received: ${limit}`);
  const skip = optionalInt(cmd, 'skip');
  if (skip !== undefined && skip < 0) fail(ErrorCodes.BadValue, `SkipValue must be non-negative, but received: ${skip}`);
  const docs = findDocuments(ctx.catalog.collection(ctx.db, name), {
    filter: optionalDoc(cmd, 'filter'),
    sort: optionalDoc(cmd, 'sort'),
    projection: optionalDoc(cmd, 'projection'),
    skip,
    limit,
  });
  const cursor = ctx.cursors.open(`${ctx.db}.${name}`, docs, batchSize, cmd.singleBatch === true);
  return { cursor, ok: 1 };
}

function getMore(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'collection');
  return { cursor: ctx.cursors.getMore(cmd.getMore, `${ctx.db}.${name}`, optionalInt(cmd, 'batchSize')), ok: 1 };
}

function killCursors(ctx: CommandContext, cmd: Doc): Doc {
  targetCollection(cmd, 'killCursors');
  if (!Array.isArray(cmd.cursors)) fail(ErrorCodes.FailedToParse, "BSON field 'killCursors.cursors' is missing but a required field");
  const { killed, notFound } = ctx.cursors.kill(cmd.cursors);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function count(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'count');
  checkCommandFields('count', cmd, ctx.catalog.collection(ctx.db, name));
  const n = countMatches(ctx.catalog.collection(ctx.db, name), optionalDoc(cmd, 'query'), optionalInt(cmd, 'skip') ?? 0, Math.abs(optionalInt(cmd, 'limit') ?? 0));
  return { n, ok: 1 };
}

function distinct(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'distinct');
  checkCommandFields('distinct', cmd, ctx.catalog.collection(ctx.db, name));
  if (typeof cmd.key !== 'string') fail(ErrorCodes.TypeMismatch, "BSON field 'distinct.key' is the wrong type, expected type 'string'");
  const coll = ctx.catalog.collection(ctx.db, name);
  const seen = new Map<string, unknown>();
  if (coll) {
    for (const [, doc] of matchingRecords(coll, optionalDoc(cmd, 'query'))) {
      const v = getPath(doc, cmd.key);
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) if (!seen.has(hashKey(item))) seen.set(hashKey(item), item);
    }
  }
  return { values: [...seen.values()], ok: 1 };
}

function findAndModify(ctx: CommandContext, cmd: Doc): Doc {
  rejectTransactions(cmd);
  const name = typeof cmd.findAndModify === 'string' ? cmd.findAndModify : targetCollection(cmd, 'findandmodify');
  const upsert = cmd.upsert === true;
  checkCommandFields('findAndModify', cmd, ctx.catalog.collection(ctx.db, name));
  const existing = ctx.catalog.collection(ctx.db, name);
  const coll = existing ?? (upsert ? ctx.catalog.ensureCollection(ctx.db, name) : undefined);
  if (!coll) {
    if (cmd.remove && cmd.update !== undefined) fail(ErrorCodes.FailedToParse, 'Cannot specify both an update and remove=true');
    return { lastErrorObject: { n: 0, ...(cmd.remove ? {} : { updatedExisting: false }) }, value: null, ok: 1 };
  }
  const outcome = runFindAndModify(coll, {
    query: optionalDoc(cmd, 'query'),
    sort: optionalDoc(cmd, 'sort'),
    remove: cmd.remove === true,
    update: cmd.update as Doc | Doc[] | undefined,
    new: cmd.new === true,
    fields: optionalDoc(cmd, 'fields'),
    upsert,
    arrayFilters: cmd.arrayFilters as Doc[] | undefined,
  });
  return { lastErrorObject: outcome.lastErrorObject, value: outcome.value, ok: 1 };
}

export const findCommands: CommandTable = { find, getMore, killCursors, count, distinct, findAndModify, findandmodify: findAndModify };
