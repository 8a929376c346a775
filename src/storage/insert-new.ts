// Inserting keyed documents that may already be stored: a job or a delivery run
// twice writes the same notices and messages again, and the unique key turns
// the repeat into a duplicate-key error, which is expected and skipped.
import type { Collection, Document } from 'mongodb';

const DUPLICATE_KEY = 11000;

function onlyDuplicates(err: unknown): boolean {
  if ((err as { code?: number }).code === DUPLICATE_KEY && !(err as { writeErrors?: unknown }).writeErrors) return true;
  const errors = (err as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  return list.length > 0 && list.every((e) => e.code === DUPLICATE_KEY);
}

/**
 * Inserts `docs`, skipping any already stored. A single document goes as `insertOne`: the bulk
 * path of `insertMany` serialises every document twice (once to size its batches), and most
 * calls here carry one.
 */
export async function insertNew(collection: Collection, docs: Document[]): Promise<void> {
  if (!docs.length) return;
  try {
    if (docs.length === 1) await collection.insertOne(docs[0]);
    else await collection.insertMany(docs, { ordered: false });
  } catch (err) {
    if (!onlyDuplicates(err)) throw err;
  }
}
