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
import { closeFd, encodeFrame, fdatasync, fsyncDir, writeAll } from './record-file.js';
import { recordBody, type JournalRecord, type SnapshotCollection } from './records.js';
import { acquireLock, releaseLock, type DirLock } from './lock.js';
import { JOURNAL_RE, SNAPSHOT_RE, createLogSync, recover, snapshotName, type LogFile } from './recovery.js';
import { writeSnapshotSync } from './snapshot.js';

export type { JournalRecord, SnapshotCollection } from './records.js';

export interface JournalOptions {
  /** Log size after which needsCompaction turns true (default 64 MiB). */
  compactAtBytes?: number;
  /** fdatasync before acknowledging (default true; false only for tests/benchmarks). */
  fsync?: boolean;
}

export interface JournalStats {
  /** write() calls issued for journal batches. */
  writes: number;
  /** fdatasync() calls for journal batches. */
  syncs: number;
  batches: number;
  records: number;
  bytes: number;
  compactions: number;
}

const DEFAULT_COMPACT_AT = 64 * 1024 * 1024;
const WRITE_CHUNK_BYTES = 8 * 1024 * 1024;

interface Batch {
  log: LogFile;
  parts: Buffer[];
  bytes: number;
  records: number;
  promise: Promise<void>;
  /** Settles (never rejects) once the batch is finished either way. */
  settled: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Groups buffers into as few writes of at most WRITE_CHUNK_BYTES as possible. */
function* writeChunks(parts: Buffer[]): Generator<Buffer> {
  let group: Buffer[] = [];
  let size = 0;
  for (const p of parts) {
    if (size > 0 && size + p.length > WRITE_CHUNK_BYTES) {
      yield group.length === 1 ? group[0] : Buffer.concat(group, size);
      group = [];
      size = 0;
    }
    group.push(p);
    size += p.length;
  }
  if (size > 0) yield group.length === 1 ? group[0] : Buffer.concat(group, size);
}

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
  private readonly queue: Batch[] = [];
  private lastBatch: Batch | null = null;
  private writing = false;
  private scheduled = false;
  private failure: Error | null = null;
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
    if (this.failure) return Promise.reject(this.failedError());
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
    let batch = this.queue.length > 0 ? this.queue[this.queue.length - 1] : undefined;
    if (!batch || batch.log !== this.active) {
      batch = this.newBatch();
      this.queue.push(batch);
      this.schedule();
    }
    for (const p of parts) batch.parts.push(p);
    batch.bytes += bytes;
    batch.records += records.length;
    this.logBytes += bytes;
    return batch.promise;
  }

  /** True when the log since the last snapshot is past compactAtBytes (or recovery found several generations). */
  get needsCompaction(): boolean {
    if (this.closing || this.failure || this.compacting) return false;
    return this.forceCompaction || this.logBytes > this.compactAtBytes;
  }

  /**
   * Writes a snapshot of `source()` and retires older generations.
   * `source()` is called and fully iterated synchronously inside this call,
   * which makes it a consistent cut: records appended before the call are
   * covered by the snapshot, records appended after it go to the next
   * generation. While a compaction is running, further calls return it.
   */
  compact(source: () => Iterable<SnapshotCollection>): Promise<void> {
    if (this.compacting) return this.compacting;
    if (this.closing) return Promise.reject(new Error('journal is closed'));
    if (this.failure) return Promise.reject(this.failedError());
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
      await this.lastBatch?.settled;
      for (const log of [...this.retiring, this.active]) await closeFd(log.fd);
      this.retiring = [];
      releaseLock(this.lock);
    })();
    return this.closing;
  }

  private failedError(): Error {
    return new Error(`journal is unusable after a failed fsync: ${this.failure?.message}`, { cause: this.failure });
  }

  private newBatch(): Batch {
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const batch: Batch = { log: this.active, parts: [], bytes: 0, records: 0, promise, settled: promise.catch(() => undefined), resolve, reject };
    this.lastBatch = batch;
    return batch;
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) await this.writeBatch(batch);
    } finally {
      this.writing = false;
    }
  }

  private async writeBatch(batch: Batch): Promise<void> {
    const log = batch.log;
    if (this.failure) {
      this.logBytes -= batch.bytes;
      batch.reject(this.failedError());
      return;
    }
    let pos = log.size;
    try {
      if (batch.bytes > 0) {
        for (const chunk of writeChunks(batch.parts)) {
          this.stats.writes++;
          await writeAll(log.fd, chunk, pos);
          pos += chunk.length;
        }
        if (this.fsync) {
          try {
            this.stats.syncs++;
            await fdatasync(log.fd);
            if (!log.dirSynced) await fsyncDir(this.dir);
            log.dirSynced = true;
          } catch (err) {
            // After a failed fsync the page cache state is unknown: stop accepting writes.
            this.failure = err as Error;
            throw err;
          }
        }
        log.size = pos;
      }
      this.stats.batches++;
      this.stats.records += batch.records;
      this.stats.bytes += batch.bytes;
      batch.parts = [];
      batch.resolve();
    } catch (err) {
      log.failedWrites++;
      this.logBytes -= batch.bytes;
      if (!this.failure) {
        // Cut the partial write off so that later records stay reachable on replay.
        try {
          fs.ftruncateSync(log.fd, log.size);
        } catch (truncErr) {
          this.failure = truncErr as Error;
        }
      }
      batch.reject(new Error(`journal write failed: ${(err as Error).message}`, { cause: err }));
    }
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
    const barrier = this.lastBatch?.settled;
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
    barrier: Promise<void> | undefined,
  ): Promise<void> {
    let fdOpen = true;
    try {
      if (this.fsync) await new Promise<void>((res, rej) => fs.fsync(fd, (err) => (err ? rej(err) : res())));
      fdOpen = false;
      await closeFd(fd);
      // Everything appended before the cut must have settled: if any of it
      // failed, the engine rolled it back, but the snapshot still has it.
      await barrier;
      if (old.reduce((n, l) => n + l.failedWrites, 0) !== failedBefore || this.failure) {
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
