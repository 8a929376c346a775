// create / drop / dropDatabase / listCollections / listDatabases / renameCollection / stats.
import { calculateObjectSize } from 'bson';
import { ErrorCodes, fail } from '../engine/errors.js';
import { compileFilter } from '../engine/matcher.js';
import { hashKey } from '../engine/values.js';
import type { CommandContext, CommandTable, Doc } from './context.js';
import { optionalDoc, targetCollection } from './context.js';

const ID_INDEX = { v: 2, key: { _id: 1 }, name: '_id_' };

function create(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'create');
  if (cmd.viewOn !== undefined) fail(ErrorCodes.CommandNotSupported, 'views are not supported by the embedded server');
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) if (k !== 'create' && !k.startsWith('$') && k !== 'lsid' && k !== 'writeConcern') options[k] = v;
  // Since 7.0, creating a collection that exists with the same options is a no-op.
  const existing = ctx.catalog.collection(ctx.db, name);
  if (existing && hashKey(existing.options) === hashKey(options)) return { ok: 1 };
  ctx.catalog.createCollection(ctx.db, name, options);
  return { ok: 1 };
}

function drop(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'drop');
  const coll = ctx.catalog.collection(ctx.db, name);
  const nIndexesWas = coll?.indexes.length ?? 0;
  ctx.catalog.dropCollection(ctx.db, name);
  return { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 };
}

function dropDatabase(ctx: CommandContext): Doc {
  ctx.catalog.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
}

function listCollections(ctx: CommandContext, cmd: Doc): Doc {
  const filter = compileFilter(optionalDoc(cmd, 'filter'));
  const nameOnly = cmd.nameOnly === true;
  const docs: Doc[] = [];
  for (const coll of ctx.catalog.databases.get(ctx.db)?.values() ?? []) {
    const entry: Doc = nameOnly
      ? { name: coll.name, type: 'collection' }
      : { name: coll.name, type: 'collection', options: coll.options, info: { readOnly: false }, idIndex: ID_INDEX };
    if (filter.test(entry)) docs.push(entry);
  }
  const batchSize = (cmd.cursor as Doc | undefined)?.batchSize as number | undefined;
  return { cursor: ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, docs, batchSize), ok: 1 };
}

function sizeOf(ctx: CommandContext, db: string): number {
  let size = 0;
  for (const coll of ctx.catalog.databases.get(db)?.values() ?? []) for (const doc of coll.docs.values()) size += calculateObjectSize(doc);
  return size;
}

function listDatabases(ctx: CommandContext, cmd: Doc): Doc {
  const filter = compileFilter(optionalDoc(cmd, 'filter'));
  const databases = [...ctx.catalog.databases.keys()]
    .map((name) => (cmd.nameOnly ? { name } : { name, sizeOnDisk: sizeOf(ctx, name), empty: false }))
    .filter((d) => filter.test(d));
  const totalSize = databases.reduce((s, d) => s + ((d as Doc).sizeOnDisk as number | undefined ?? 0), 0);
  return { databases, ...(cmd.nameOnly ? {} : { totalSize }), ok: 1 };
}

function renameCollection(ctx: CommandContext, cmd: Doc): Doc {
  const from = String(cmd.renameCollection ?? '');
  const to = String(cmd.to ?? '');
  const [fromDb, ...fromRest] = from.split('.');
  const [toDb, ...toRest] = to.split('.');
  const source = ctx.catalog.collection(fromDb, fromRest.join('.'));
  if (!source) fail(ErrorCodes.NamespaceNotFound, `Source collection ${from} does not exist`);
  if (ctx.catalog.collection(toDb, toRest.join('.'))) {
    if (cmd.dropTarget !== true) fail(ErrorCodes.NamespaceExists, `target namespace exists`);
    ctx.catalog.dropCollection(toDb, toRest.join('.'));
  }
  const target = ctx.catalog.createCollection(toDb, toRest.join('.'), source.options);
  for (const ix of source.indexes.slice(1)) target.createIndex({ ...ix.spec });
  for (const doc of source.docs.values()) target.insert(doc);
  ctx.catalog.dropCollection(fromDb, fromRest.join('.'));
  return { ok: 1 };
}

function collStats(ctx: CommandContext, cmd: Doc): Doc {
  const name = targetCollection(cmd, 'collStats');
  const coll = ctx.catalog.collection(ctx.db, name);
  let size = 0;
  for (const doc of coll?.docs.values() ?? []) size += calculateObjectSize(doc);
  const count = coll?.count ?? 0;
  return { ns: `${ctx.db}.${name}`, count, size, avgObjSize: count ? Math.round(size / count) : 0, nindexes: coll?.indexes.length ?? 0, ok: 1 };
}

function dbStats(ctx: CommandContext): Doc {
  const colls = ctx.catalog.databases.get(ctx.db);
  let objects = 0;
  let indexes = 0;
  for (const c of colls?.values() ?? []) {
    objects += c.count;
    indexes += c.indexes.length;
  }
  return { db: ctx.db, collections: colls?.size ?? 0, views: 0, objects, dataSize: sizeOf(ctx, ctx.db), indexes, ok: 1 };
}

export const collectionCommands: CommandTable = { create, drop, dropDatabase, listCollections, listDatabases, renameCollection, collStats, dbStats };
