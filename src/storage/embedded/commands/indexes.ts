// createIndexes / listIndexes / dropIndexes.
import { ErrorCodes, fail } from '../engine/errors.js';
import { isPlainObject } from '../engine/values.js';
import type { CommandContext, CommandTable, Doc } from './context.js';
import { targetCollection } from './context.js';

function createIndexes(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'createIndexes');
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) fail(ErrorCodes.BadValue, 'Must specify at least one index to create');
  const existed = !!ctx.catalog.collection(ctx.db, name);
  const coll = ctx.catalog.ensureCollection(ctx.db, name);
  const before = coll.indexes.length;
  let created = 0;
  for (const spec of cmd.indexes) {
    if (!isPlainObject(spec)) fail(ErrorCodes.TypeMismatch, 'each index specification must be an object');
    if (coll.createIndex(spec)) created++;
  }
  return {
    createdCollectionAutomatically: !existed,
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.length,
    ...(created === 0 ? { note: 'all indexes already exist' } : {}),
    ok: 1,
  };
}

function listIndexes(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'listIndexes');
  const coll = ctx.catalog.collection(ctx.db, name);
  if (!coll) fail(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const docs = coll.indexes.map((ix) => ix.describe());
  const batchSize = (cmd.cursor as Doc | undefined)?.batchSize as number | undefined;
  return { cursor: ctx.cursors.open(`${ctx.db}.${name}`, docs, batchSize), ok: 1 };
}

function dropIndexes(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'dropIndexes');
  const coll = ctx.catalog.collection(ctx.db, name);
  if (!coll) fail(ErrorCodes.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const was = coll.indexes.length;
  const target = cmd.index;
  if (target === '*') {
    for (const ix of coll.indexes.slice(1)) coll.dropIndex(ix.name);
  } else if (typeof target === 'string') {
    coll.dropIndex(target);
  } else if (Array.isArray(target)) {
    for (const n of target) if (!coll.indexes.some((ix) => ix.name === n)) fail(ErrorCodes.IndexNotFound, `index not found with name [${String(n)}]`);
    for (const n of target) coll.dropIndex(String(n));
  } else if (isPlainObject(target)) {
    const ix = coll.findIndexByKey(target);
    if (!ix) fail(ErrorCodes.IndexNotFound, `can't find index with key: ${JSON.stringify(target)}`);
    coll.dropIndex(ix.name);
  } else {
    fail(ErrorCodes.TypeMismatch, "BSON field 'dropIndexes.index' must be a string, an array of strings or an index key pattern");
  }
  return { nIndexesWas: was, ok: 1 };
}

export const indexCommands: CommandTable = { createIndexes, listIndexes, dropIndexes, deleteIndexes: dropIndexes };
