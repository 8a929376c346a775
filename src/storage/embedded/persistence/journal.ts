// Durability for the embedded server: an append-only, CRC-framed BSON
// operation log with group commit, plus snapshots and compaction.
//
// On-disk format (all integers little-endian):
//   Every file is a sequence of frames [u32 length][u32 crc32(body)][body],
//   body = one BSON document (see record-file.ts for validation rules).
//   LOCK                 JSON {pid, hostname, token, startedAt} of the owning process.
//   snapshot-<n>.bson    header {t:'snapshot', v:1, gen:n, createdAt}, then per
//                        collection {t:'coll', db, coll, options, indexes} followed
//                        by its documents {t:'doc', doc}, then {t:'end', frames}.
//                        Written as snapshot-<n>.bson.tmp, fsynced, renamed, dir fsynced.
//   journal-<n>.log      header {t:'journal', v:1, gen:n}, then one frame per
//                        JournalRecord ({op:'put', db, coll, doc}, {op:'del', ...}, ...):
//                        every write made after snapshot <n> was cut.
// State = newest complete snapshot <s> (or empty when there is none and
// journal-0.log exists) + journal-<s>.log, journal-<s+1>.log, ... replayed in
// order. A torn or corrupt tail is truncated (the discarded bytes are kept in
// journal-<n>.log.corrupt-<time>); an incomplete snapshot is set aside as
// snapshot-<n>.bson.invalid-<time> and the previous generation is used.
//
// Group commit: append() serialises its records immediately (so later
// in-memory mutations do not leak in), queues them, and one writer writes
// each batch with one write + one fdatasync, batches strictly in call order.
// While a batch is in flight the next one keeps filling up.
import fs from 'node:fs';
import path from 'node:path';
import { closeFd, encodeFrame, fsyncDir } from './record-file.js';
import { recordBody, type JournalRecord, type SnapshotCollection } from './records.js';
import { acquireLock, releaseLock, type DirLock } from './lock.js';
import { JOURNAL_RE, SNAPSHOT_RE, createLogSync, recover, snapshotName, type LogFile } from './recovery.js';
import { writeSnapshotSync } from './snapshot.js';
import { LogWriter, type JournalStats } from './log-writer.js';

export type { JournalRecord, SnapshotCollection } from './records.js';
export type { JournalStats } from './log-writer.js';

export interface JournalOptions {
  /** Log size after which needsCompaction turns true (default 64 MiB). */
  compactAtBytes?: number;
  /** fdatasync before acknowledging (default true; false only for tests/benchmarks). */
  fsync?: boolean;
}

const DEFAULT_COMPACT_AT = 64 * 1024 * 1024;

export class Journal {
  readonly stats: JournalStats = { writes: 0, syncs: 0, batches: 0, records: 0, bytes: 0, compactions: 0 };
  private readonly compactAtBytes: number;
  private readonly fsync: boolean;
  private active: LogFile;
  /** Older generations still open until the compaction that retires them is done. */
  private retiring: LogFile[] = [];
  private gen: number;
  private logBytes: number;
  private forceCompaction: boolean;
  private readonly writer: LogWriter;
  private closing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;

  private constructor(
    readonly dir: string,
    private readonly lock: DirLock,
    recovered: { active: LogFile; gen: number; logBytes: number; logsReplayed: number },
    options: JournalOptions,
  ) {
    this.compactAtBytes = options.compactAtBytes ?? DEFAULT_COMPACT_AT;
    this.fsync = options.fsync ?? true;
    this.writer = new LogWriter(dir, this.fsync, this.stats);
    this.active = recovered.active;
    this.gen = recovered.gen;
    this.logBytes = recovered.logBytes;
    this.forceCompaction = recovered.logsReplayed > 1;
  }

  /**
   * Opens (creating) `dir`, locks it, loads the newest complete snapshot and
   * replays the logs after it through `apply`, in order. A torn/corrupt tail
   * is truncated and reported through onWarning. Throws if the directory is
   * locked by a live process or its history has a hole (missing generation).
   */
  static async open(
    dir: string,
    apply: (r: JournalRecord) => void,
    options: JournalOptions & { onWarning?: (msg: string) => void } = {},
  ): Promise<Journal> {
    const warn = options.onWarning ?? ((msg: string) => process.emitWarning(msg, 'JournalWarning'));
    fs.mkdirSync(dir, { recursive: true });
    const lock = acquireLock(dir, warn);
    try {
      return new Journal(dir, lock, recover(dir, apply, warn), options);
    } catch (err) {
      releaseLock(lock);
      throw err;
    }
  }

  /**
   * Queues records; everything appended in the same event-loop turn (and
   * while the previous batch is being written) goes out as one write + one
   * fsync. Resolves once durable; rejects if the write fails.
   */
  append(records: JournalRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error('journal is closed'));
    if (this.writer.failure) return Promise.reject(this.writer.failedError());
    const parts: Buffer[] = [];
    let bytes = 0;
    try {
      for (const r of records) {
        const [header, body] = encodeFrame(recordBody(r));
        parts.push(header, body);
        bytes += header.length + body.length;
      }
    } catch (err) {
      return Promise.reject(err);
    }
    this.logBytes += bytes;
    return this.writer.enqueue(this.active, parts, bytes, records.length);
  }

  /** True when the log since the last snapshot is past compactAtBytes (or recovery found several generations). */
  get needsCompaction(): boolean {
    if (this.closing || this.writer.failure || this.compacting) return false;
    return this.forceCompaction || this.logBytes > this.compactAtBytes;
  }

  /**
   * Writes a snapshot of `source()` and retires older generations.
   * `source()` is called and fully iterated synchronously inside this call,
   * which makes it a consistent cut: records appended before the call are
   * covered by the snapshot, records appended after it go to the next
   * generation. That serialisation blocks the event loop (about 3 µs per
   * small document, ~0.3 s per 100k); fsync, rename and clean-up are async,
   * and appends made meanwhile stay durable and ordered. While a compaction
   * is running, further calls return it. If a write from before the cut
   * fails, the snapshot is abandoned (the older generations stay in charge).
   */
  compact(source: () => Iterable<SnapshotCollection>): Promise<void> {
    if (this.compacting) return this.compacting;
    if (this.closing) return Promise.reject(new Error('journal is closed'));
    if (this.writer.failure) return Promise.reject(this.writer.failedError());
    let done: Promise<void>;
    try {
      done = this.startCompaction(source);
    } catch (err) {
      return Promise.reject(err);
    }
    const running = done.finally(() => {
      if (this.compacting === running) this.compacting = null;
    });
    this.compacting = running;
    return running;
  }

  /** Waits for queued writes and a running compaction, then closes files and releases the lock. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.compacting?.catch(() => undefined);
      await this.writer.drained();
      for (const log of [...this.retiring, this.active]) await closeFd(log.fd);
      this.retiring = [];
      releaseLock(this.lock);
    })();
    return this.closing;
  }

  private startCompaction(source: () => Iterable<SnapshotCollection>): Promise<void> {
    const gen = this.gen + 1;
    const tmp = path.join(this.dir, `${snapshotName(gen)}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    let next: LogFile;
    try {
      writeSnapshotSync(fd, gen, source());
      next = createLogSync(this.dir, gen);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    // The cut: from here on appends go to journal-<gen>.log.
    const old = [...this.retiring, this.active];
    const failedBefore = old.reduce((n, l) => n + l.failedWrites, 0);
    this.retiring = old;
    this.active = next;
    this.gen = gen;
    const logBytesBefore = this.logBytes;
    this.logBytes = next.size;
    const forcedBefore = this.forceCompaction;
    this.forceCompaction = false;
    const barrier = this.writer.drained();
    return this.finishCompaction(gen, fd, tmp, old, failedBefore, barrier).catch((err: unknown) => {
      this.logBytes += logBytesBefore;
      this.forceCompaction ||= forcedBefore;
      throw err;
    });
  }

  private async finishCompaction(
    gen: number,
    fd: number,
    tmp: string,
    old: LogFile[],
    failedBefore: number,
    barrier: Promise<void>,
  ): Promise<void> {
    let fdOpen = true;
    try {
      if (this.fsync) await new Promise<void>((res, rej) => fs.fsync(fd, (err) => (err ? rej(err) : res())));
      fdOpen = false;
      await closeFd(fd);
      // Everything appended before the cut must have settled: if any of it
      // failed, the engine rolled it back, but the snapshot still has it.
      await barrier;
      if (old.reduce((n, l) => n + l.failedWrites, 0) !== failedBefore || this.writer.failure) {
        throw new Error('compaction abandoned: a journal write from before the snapshot failed');
      }
      await fs.promises.rename(tmp, path.join(this.dir, snapshotName(gen)));
      if (this.fsync) await fsyncDir(this.dir);
    } catch (err) {
      if (fdOpen) await closeFd(fd);
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    // Snapshot <gen> is durable: older generations are obsolete.
    this.retiring = this.retiring.filter((l) => !old.includes(l));
    for (const log of old) await closeFd(log.fd);
    for (const name of await fs.promises.readdir(this.dir)) {
      const m = SNAPSHOT_RE.exec(name) ?? JOURNAL_RE.exec(name);
      if (m && Number(m[1]) < gen) await fs.promises.rm(path.join(this.dir, name), { force: true });
    }
    if (this.fsync) await fsyncDir(this.dir);
    this.stats.compactions++;
  }
}
