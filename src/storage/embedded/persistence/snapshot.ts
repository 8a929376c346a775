// Snapshot files (`snapshot-<n>.bson`): a full copy of the catalog and data
// as CRC frames (see record-file.ts):
//   { t: 'snapshot', v: 1, gen: n, createdAt: Date }                   header
//   { t: 'coll', db, coll, options, indexes: [spec, ...] }             per collection
//   { t: 'doc', doc }                                                  per document of the preceding collection
//   { t: 'end', frames: <number of coll + doc frames> }                end marker
// A snapshot counts only if every frame is valid, the end marker is the last
// frame of the file and its count matches; anything else is ignored.
import fs from 'node:fs';
import { FORMAT_VERSION, FrameScanner, decodeBody, encodeFrame, writeAllSync } from './record-file.js';
import type { JournalRecord, SnapshotCollection } from './records.js';

const STAGE_BYTES = 4 * 1024 * 1024;

export interface SnapshotWriteResult {
  collections: number;
  docs: number;
  bytes: number;
}

/**
 * Serialises the whole of `source` into `fd` synchronously (the caller relies
 * on this being one uninterrupted cut of the engine's state). Does not fsync.
 */
export function writeSnapshotSync(fd: number, gen: number, source: Iterable<SnapshotCollection>): SnapshotWriteResult {
  let staged: Buffer[] = [];
  let stagedBytes = 0;
  let pos = 0;
  const push = (body: Record<string, unknown>): void => {
    for (const b of encodeFrame(body)) {
      staged.push(b);
      stagedBytes += b.length;
    }
    if (stagedBytes >= STAGE_BYTES) flush();
  };
  const flush = (): void => {
    if (stagedBytes === 0) return;
    pos = writeAllSync(fd, [Buffer.concat(staged, stagedBytes)], pos);
    staged = [];
    stagedBytes = 0;
  };

  let collections = 0;
  let docs = 0;
  push({ t: 'snapshot', v: FORMAT_VERSION, gen, createdAt: new Date() });
  for (const c of source) {
    push({ t: 'coll', db: c.db, coll: c.coll, options: c.options ?? {}, indexes: c.indexes ?? [] });
    collections++;
    for (const doc of c.docs) {
      push({ t: 'doc', doc });
      docs++;
    }
  }
  push({ t: 'end', frames: collections + docs });
  flush();
  return { collections, docs, bytes: pos };
}

export type SnapshotCheck = { ok: true; frames: number } | { ok: false; reason: string };

/** Verifies framing, header and end marker of a snapshot without decoding documents. */
export function checkSnapshot(path: string, gen: number): SnapshotCheck {
  const fd = fs.openSync(path, 'r');
  try {
    const scanner = new FrameScanner(fd);
    const first = scanner.next();
    if (!first) return { ok: false, reason: scanner.problem ?? 'empty file' };
    const header = decodeBody(first);
    if (header.t !== 'snapshot') return { ok: false, reason: 'missing snapshot header' };
    if (header.v !== FORMAT_VERSION) return { ok: false, reason: `unsupported snapshot format version ${String(header.v)}` };
    if (header.gen !== gen) return { ok: false, reason: `header says generation ${String(header.gen)}` };
    let frames = 0;
    let last: Buffer | null = null;
    for (let body = scanner.next(); body; body = scanner.next()) {
      frames++;
      last = body;
    }
    if (scanner.problem) return { ok: false, reason: scanner.problem };
    const end = last ? decodeBody(last) : null;
    if (!end || end.t !== 'end') return { ok: false, reason: 'no end marker (incomplete snapshot)' };
    if (end.frames !== frames - 1) return { ok: false, reason: `end marker counts ${String(end.frames)} frames, found ${frames - 1}` };
    return { ok: true, frames: frames - 1 };
  } catch (err) {
    return { ok: false, reason: `unreadable: ${(err as Error).message}` };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replays a checked snapshot as records: per collection createCollection,
 * then its documents as puts, then its indexes (so the engine can build each
 * index once over the loaded documents).
 */
export function loadSnapshot(path: string, apply: (r: JournalRecord) => void): { collections: number; docs: number } {
  const fd = fs.openSync(path, 'r');
  let collections = 0;
  let docs = 0;
  try {
    const scanner = new FrameScanner(fd);
    scanner.next(); // header, already checked
    let current = null as { db: string; coll: string; indexes: Record<string, unknown>[] } | null;
    const finishCollection = (): void => {
      if (!current) return;
      for (const spec of current.indexes) apply({ op: 'createIndex', db: current.db, coll: current.coll, spec });
      current = null;
    };
    for (let body = scanner.next(); body; body = scanner.next()) {
      const rec = decodeBody(body);
      if (rec.t === 'doc') {
        if (!current) throw new Error(`snapshot ${path}: document before any collection`);
        apply({ op: 'put', db: current.db, coll: current.coll, doc: rec.doc as Record<string, unknown> });
        docs++;
      } else if (rec.t === 'coll') {
        finishCollection();
        const db = String(rec.db);
        const coll = String(rec.coll);
        current = { db, coll, indexes: Array.isArray(rec.indexes) ? (rec.indexes as Record<string, unknown>[]) : [] };
        apply({ op: 'createCollection', db, coll, options: (rec.options ?? {}) as Record<string, unknown> });
        collections++;
      } else if (rec.t === 'end') {
        finishCollection();
        break;
      } else {
        throw new Error(`snapshot ${path}: unknown frame type ${JSON.stringify(rec.t)}`);
      }
    }
    if (scanner.problem) throw new Error(`snapshot ${path} changed while loading: ${scanner.problem}`);
    return { collections, docs };
  } finally {
    fs.closeSync(fd);
  }
}
