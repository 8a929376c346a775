// Open cursors of find, aggregate and listings. Results are materialised when
// the cursor opens; getMore hands them out in batches. Idle cursors expire.
import { Long, calculateObjectSize } from 'bson';
import { ErrorCodes, fail } from '../engine/errors.js';

type Doc = Record<string, unknown>;

const DEFAULT_FIRST_BATCH = 101;
// Stay well under the 48 MB message limit even with per-document overhead.
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  pos: number;
  lastUsed: number;
}

export interface CursorReply {
  id: Long;
  ns: string;
  firstBatch?: Doc[];
  nextBatch?: Doc[];
}

export class CursorStore {
  private cursors = new Map<string, OpenCursor>();
  private nextId = 1n;

  get openCount(): number {
    return this.cursors.size;
  }

  /** Returns the first batch; keeps the rest behind a cursor id unless singleBatch or exhausted. */
  open(ns: string, docs: Doc[], batchSize?: number, singleBatch = false): CursorReply {
    const size = batchSize === undefined || batchSize === null ? DEFAULT_FIRST_BATCH : batchSize;
    const batch = takeBatch(docs, 0, size === 0 && batchSize !== undefined ? 0 : size);
    if (singleBatch || batch.length >= docs.length) return { id: Long.ZERO, ns, firstBatch: batch };
    const id = Long.fromBigInt(this.nextId++);
    this.cursors.set(id.toString(), { ns, docs, pos: batch.length, lastUsed: Date.now() });
    return { id, ns, firstBatch: batch };
  }

  getMore(rawId: unknown, ns: string, batchSize?: number): CursorReply {
    const key = cursorKey(rawId);
    const cursor = this.cursors.get(key);
    if (!cursor) fail(ErrorCodes.CursorNotFound, `cursor id ${key} not found`);
    if (cursor.ns !== ns) fail(ErrorCodes.Unauthorized, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    const batch = takeBatch(cursor.docs, cursor.pos, batchSize && batchSize > 0 ? batchSize : Infinity);
    cursor.pos += batch.length;
    cursor.lastUsed = Date.now();
    if (cursor.pos >= cursor.docs.length) {
      this.cursors.delete(key);
      return { id: Long.ZERO, ns, nextBatch: batch };
    }
    return { id: Long.fromString(key), ns, nextBatch: batch };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const key = cursorKey(raw);
      (this.cursors.delete(key) ? killed : notFound).push(Long.fromString(key));
    }
    return { killed, notFound };
  }

  expireIdle(now = Date.now()): void {
    for (const [key, c] of this.cursors) if (now - c.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(key);
  }
}

function cursorKey(raw: unknown): string {
  if (raw instanceof Long) return raw.toString();
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  fail(ErrorCodes.TypeMismatch, "cursor id must be a 64-bit integer ('long')");
}

function takeBatch(docs: Doc[], from: number, count: number): Doc[] {
  const batch: Doc[] = [];
  let bytes = 0;
  for (let i = from; i < docs.length && batch.length < count; i++) {
    bytes += calculateObjectSize(docs[i]);
    if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
    batch.push(docs[i]);
  }
  return batch;
}
