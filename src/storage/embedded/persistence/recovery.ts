// Start-up recovery: pick the newest complete snapshot, replay it and the
// journal generations after it, truncate a torn/corrupt tail, and hand back
// the log that further appends go to.
import fs from 'node:fs';
import path from 'node:path';
import { FORMAT_VERSION, FrameScanner, decodeBody, encodeFrame, fsyncDirSync, writeAllSync } from './record-file.js';
import { toRecord, type JournalRecord } from './records.js';
import { checkSnapshot, loadSnapshot } from './snapshot.js';

export const SNAPSHOT_RE = /^snapshot-(\d+)\.bson$/;
export const SNAPSHOT_TMP_RE = /^snapshot-(\d+)\.bson\.tmp$/;
export const JOURNAL_RE = /^journal-(\d+)\.log$/;

export const snapshotName = (gen: number): string => `snapshot-${gen}.bson`;
export const journalName = (gen: number): string => `journal-${gen}.log`;

/** An open journal generation file. `size` is the end of its durable/committed content. */
export interface LogFile {
  gen: number;
  path: string;
  fd: number;
  size: number;
  /** Whether the directory entry is known durable (fsynced directory). */
  dirSynced: boolean;
  /** Batches whose write to this file failed. */
  failedWrites: number;
}

export interface RecoveryResult {
  active: LogFile;
  /** Highest generation number in use. */
  gen: number;
  /** Bytes of journal that a restart would replay after the snapshot. */
  logBytes: number;
  /** Number of journal generations replayed (more than one means compaction is due). */
  logsReplayed: number;
  snapshotGen: number | null;
}

/** Creates a fresh journal generation with its header frame (not fsynced). */
export function createLogSync(dir: string, gen: number): LogFile {
  const file = path.join(dir, journalName(gen));
  const fd = fs.openSync(file, 'w+');
  try {
    const size = writeAllSync(fd, encodeFrame({ t: 'journal', v: FORMAT_VERSION, gen }), 0);
    return { gen, path: file, fd, size, dirSynced: false, failedWrites: 0 };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

function genOf(re: RegExp, name: string): number | null {
  const m = re.exec(name);
  return m ? Number(m[1]) : null;
}

export function recover(dir: string, apply: (r: JournalRecord) => void, warn: (msg: string) => void): RecoveryResult {
  const names = fs.readdirSync(dir);
  const snapshots: number[] = [];
  const logs: number[] = [];
  for (const name of names) {
    const s = genOf(SNAPSHOT_RE, name);
    if (s !== null) snapshots.push(s);
    const l = genOf(JOURNAL_RE, name);
    if (l !== null) logs.push(l);
    // Leftover of a compaction interrupted by a crash: never renamed, so never used.
    if (SNAPSHOT_TMP_RE.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
  snapshots.sort((a, b) => b - a);
  logs.sort((a, b) => a - b);

  let base: number | null = null;
  const invalid: number[] = [];
  for (const gen of snapshots) {
    const check = checkSnapshot(path.join(dir, snapshotName(gen)), gen);
    if (check.ok) {
      base = gen;
      break;
    }
    warn(`ignoring ${snapshotName(gen)}: ${check.reason}`);
    invalid.push(gen);
  }
  const from = base ?? 0;
  const replay = logs.filter((g) => g >= from);
  if (base === null && (snapshots.length > 0 || logs.length > 0) && replay[0] !== 0) {
    throw new Error(`cannot recover ${dir}: no complete snapshot and ${journalName(0)} is missing, so history is incomplete`);
  }
  replay.forEach((g, i) => {
    if (g !== from + i) throw new Error(`cannot recover ${dir}: ${journalName(from + i)} is missing (found ${journalName(g)})`);
  });

  if (base !== null) loadSnapshot(path.join(dir, snapshotName(base)), apply);
  let logBytes = 0;
  let active: LogFile | null = null;
  for (const gen of replay) {
    const isLast = gen === replay[replay.length - 1];
    const log = replayLog(dir, gen, isLast, apply, warn);
    logBytes += log.size;
    if (isLast) active = log;
    else fs.closeSync(log.fd);
  }
  if (!active) {
    active = createLogSync(dir, from);
    fs.fsyncSync(active.fd);
    logBytes = active.size;
  }

  // Tidy up: generations older than the base are obsolete (a crash hit the
  // end of a compaction); unusable snapshots are kept aside for inspection.
  const stamp = Date.now();
  for (const gen of invalid) fs.renameSync(path.join(dir, snapshotName(gen)), path.join(dir, `${snapshotName(gen)}.invalid-${stamp}`));
  for (const gen of snapshots) if (gen < from) fs.rmSync(path.join(dir, snapshotName(gen)), { force: true });
  for (const gen of logs) if (gen < from) fs.rmSync(path.join(dir, journalName(gen)), { force: true });
  fsyncDirSync(dir);
  active.dirSynced = true;

  return { active, gen: active.gen, logBytes, logsReplayed: replay.length, snapshotGen: base };
}

/** Replays one journal generation; truncates it after the last valid record. Returns it open. */
function replayLog(dir: string, gen: number, isLast: boolean, apply: (r: JournalRecord) => void, warn: (msg: string) => void): LogFile {
  const file = path.join(dir, journalName(gen));
  const fd = fs.openSync(file, 'r+');
  try {
    const scanner = new FrameScanner(fd);
    const first = scanner.next();
    if (first) {
      const header = decodeBody(first);
      if (header.t !== 'journal' || header.v !== FORMAT_VERSION || header.gen !== gen) {
        throw new Error(`${file} is not a version ${FORMAT_VERSION} journal of generation ${gen}`);
      }
    }
    for (let offset = scanner.validEnd, body = scanner.next(); body; offset = scanner.validEnd, body = scanner.next()) {
      const rec = toRecord(decodeBody(body));
      if (typeof rec === 'string') throw new Error(`${file} at offset ${offset}: ${rec}`);
      apply(rec);
    }
    let size = scanner.validEnd;
    if (scanner.problem && scanner.fileSize > 0) {
      const discarded = scanner.fileSize - size;
      const saved = `${file}.corrupt-${Date.now()}`;
      copyTail(fd, size, discarded, saved);
      fs.ftruncateSync(fd, size);
      fs.fsyncSync(fd);
      warn(
        `${journalName(gen)}: ${scanner.problem}; truncated ${discarded} trailing bytes (kept in ${path.basename(saved)})` +
          (isLast ? '' : '; later generations were replayed, but records after this point in this generation are lost'),
      );
    }
    if (size === 0) {
      // Empty or torn header (crash right after the file was created).
      size = writeAllSync(fd, encodeFrame({ t: 'journal', v: FORMAT_VERSION, gen }), 0);
      fs.fsyncSync(fd);
    }
    return { gen, path: file, fd, size, dirSynced: true, failedWrites: 0 };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Copies `length` bytes from `fd` at `start` into a new file (evidence of what was cut off). */
function copyTail(fd: number, start: number, length: number, target: string): void {
  const out = fs.openSync(target, 'w');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(length, 1024 * 1024));
    for (let done = 0; done < length; ) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, length - done), start + done);
      if (n === 0) break;
      writeAllSync(out, [chunk.subarray(0, n)], done);
      done += n;
    }
  } finally {
    fs.closeSync(out);
  }
}
