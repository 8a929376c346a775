// Runs one unified-format operation through the official `mongodb` driver and
// returns its result as plain data, ready for matching (cursors are fully
// iterated, result classes become documents).
import type { BulkWriteResult, Collection, Db } from 'mongodb';
import type { EntityMap } from './entities.js';
import { isDocument } from './matcher.js';
import type { Doc, Operation } from './spec-types.js';

/** How a result is matched: cursor results hold root-level documents. */
export function resultLevel(op: Operation): 'root' | 'rootArray' {
  return ['find', 'aggregate', 'listIndexes', 'listCollections'].includes(op.name) ? 'rootArray' : 'root';
}

export async function executeOperation(op: Operation, entities: EntityMap): Promise<unknown> {
  const args = cloneArguments(op.arguments ?? {});
  if (typeof args.session === 'string') args.session = entities.session(args.session);
  const target = entities.get(op.object);
  if (isCollection(target)) return collectionOperation(entities.collection(op.object), op.name, args);
  return databaseOperation(entities.database(op.object), op.name, args);
}

function isCollection(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'collectionName' in value;
}

async function collectionOperation(coll: Collection<Doc>, name: string, args: Doc): Promise<unknown> {
  const { filter = {}, ...rest } = args;
  switch (name) {
    case 'aggregate': {
      const { pipeline, ...options } = args;
      return coll.aggregate(pipeline, options).toArray();
    }
    case 'bulkWrite': {
      const { requests, ...options } = args;
      const inserted = (requests as Doc[]).map((r) => r.insertOne?.document).filter(Boolean);
      return bulkWriteResult(await coll.bulkWrite(requests, keepNullIds(inserted, options)));
    }
    case 'count':
      return coll.count(filter, rest);
    case 'countDocuments':
      return coll.countDocuments(filter, rest);
    case 'estimatedDocumentCount':
      return coll.estimatedDocumentCount(args);
    case 'distinct': {
      const { fieldName, ...options } = rest;
      return coll.distinct(fieldName, filter, options);
    }
    case 'find':
      return coll.find(filter, rest).toArray();
    case 'findOne':
      return coll.findOne(filter, rest);
    case 'findOneAndDelete':
      return coll.findOneAndDelete(filter, rest);
    case 'findOneAndReplace': {
      const { replacement, ...options } = rest;
      return coll.findOneAndReplace(filter, replacement, returnDocumentOption(options));
    }
    case 'findOneAndUpdate': {
      const { update, ...options } = rest;
      return coll.findOneAndUpdate(filter, update, returnDocumentOption(options));
    }
    case 'insertOne': {
      const { document, ...options } = args;
      return coll.insertOne(document, keepNullIds([document], options));
    }
    case 'insertMany': {
      const { documents, ...options } = args;
      return coll.insertMany(documents, keepNullIds(documents, options));
    }
    case 'updateOne': {
      const { update, ...options } = rest;
      return coll.updateOne(filter, update, options);
    }
    case 'updateMany': {
      const { update, ...options } = rest;
      return coll.updateMany(filter, update, options);
    }
    case 'replaceOne': {
      const { replacement, ...options } = rest;
      return coll.replaceOne(filter, replacement, options);
    }
    case 'deleteOne':
      return coll.deleteOne(filter, rest);
    case 'deleteMany':
      return coll.deleteMany(filter, rest);
    case 'createIndex': {
      const { keys, ...options } = args;
      return coll.createIndex(keys, options);
    }
    case 'dropIndex': {
      const { name: indexName, ...options } = args;
      return coll.dropIndex(indexName, options);
    }
    case 'listIndexes':
      return coll.listIndexes(args).toArray();
    default:
      throw new Error(`collection operation ${name} is not implemented by the runner`);
  }
}

async function databaseOperation(db: Db, name: string, args: Doc): Promise<unknown> {
  switch (name) {
    case 'aggregate': {
      const { pipeline, ...options } = args;
      return db.aggregate(pipeline, options).toArray();
    }
    case 'createCollection': {
      const { collection, ...options } = args;
      await db.createCollection(collection, options);
      return undefined;
    }
    case 'dropCollection': {
      const { collection, ...options } = args;
      return db.dropCollection(collection, options);
    }
    case 'modifyCollection': {
      const { collection, session, ...options } = args;
      return db.command({ collMod: collection, ...options }, { session });
    }
    case 'listCollections': {
      const { filter = {}, ...options } = args;
      return db.listCollections(filter, options).toArray();
    }
    case 'runCommand': {
      const { command, commandName: _name, ...options } = args;
      return db.command(command, options);
    }
    default:
      throw new Error(`database operation ${name} is not implemented by the runner`);
  }
}

/**
 * The driver replaces an `_id` of null with a new ObjectId before sending an
 * insert; a test that inserts `_id: null` means the server to store null, so
 * for those the driver is told to leave ids to the server.
 */
function keepNullIds(documents: Doc[], options: Doc): Doc {
  return documents.some((d) => d && '_id' in d && d._id === null) ? { ...options, forceServerObjectId: true } : options;
}

/** The unified format writes returnDocument as "Before"/"After"; the driver wants lower case. */
function returnDocumentOption(options: Doc): Doc {
  if (options.returnDocument === undefined) return options;
  const value = String(options.returnDocument).toLowerCase();
  if (value !== 'before' && value !== 'after') throw new Error(`invalid returnDocument ${options.returnDocument}`);
  return { ...options, returnDocument: value };
}

/** BulkWriteResult as the document the format describes. */
export function bulkWriteResult(r: BulkWriteResult): Doc {
  return {
    insertedCount: r.insertedCount,
    matchedCount: r.matchedCount,
    modifiedCount: r.modifiedCount,
    deletedCount: r.deletedCount,
    upsertedCount: r.upsertedCount,
    upsertedIds: { ...r.upsertedIds },
    insertedIds: { ...r.insertedIds },
  };
}

/**
 * Copies plain documents and arrays (BSON values are shared): the driver adds
 * `_id` to inserted documents, and a test's arguments must stay as written.
 */
export function cloneArguments<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneArguments) as T;
  if (isDocument(value)) {
    const out: Doc = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneArguments(v);
    return out as T;
  }
  return value;
}
