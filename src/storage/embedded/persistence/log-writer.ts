// Group commit: callers enqueue already-framed records; one writer drains the
// queue in FIFO order, each batch with one write (chunked above 8 MiB) and one
// fdatasync. Everything enqueued in one event-loop turn, or while the previous
// batch is in flight, lands in the same batch. Only async fs calls here, except
// ftruncate on the (rare) error path.
import fs from 'node:fs';
import { fdatasync, fsyncDir, writeAll } from './record-file.js';
import type { LogFile } from './recovery.js';

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

export class LogWriter {
  /** Set after a failed fsync (page-cache state unknown): every later batch is rejected. */
  failure: Error | null = null;
  private readonly queue: Batch[] = [];
  private lastBatch: Batch | null = null;
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
    readonly stats: JournalStats,
  ) {}

  /** Queues framed records for `log`; resolves when they are durable. */
  enqueue(log: LogFile, parts: Buffer[], bytes: number, records: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failedError());
    let batch = this.queue.length > 0 ? this.queue[this.queue.length - 1] : undefined;
    if (!batch || batch.log !== log) {
      batch = this.newBatch(log);
      this.queue.push(batch);
      this.schedule();
    }
    for (const p of parts) batch.parts.push(p);
    batch.bytes += bytes;
    batch.records += records;
    return batch.promise;
  }

  /** Settles once everything enqueued so far has been written (or has failed). */
  drained(): Promise<void> {
    return this.lastBatch?.settled ?? Promise.resolve();
  }

  failedError(): Error {
    return new Error(`journal is unusable after a failed fsync: ${this.failure?.message}`, { cause: this.failure });
  }

  private newBatch(log: LogFile): Batch {
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const batch: Batch = { log, parts: [], bytes: 0, records: 0, promise, settled: promise.catch(() => undefined), resolve, reject };
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
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) await this.write(batch);
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Batch): Promise<void> {
    const log = batch.log;
    if (this.failure) {
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
            // A new generation's directory entry must be durable before its first ack.
            if (!log.dirSynced) await fsyncDir(this.dir);
            log.dirSynced = true;
          } catch (err) {
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
      if (!this.failure) {
        // Cut the partial write off so that later records stay reachable on replay.
        try {
          fs.ftruncateSync(log.fd, log.size);
        } catch (truncErr) {
          this.failure = truncErr as Error;
        }
      }
      batch.parts = [];
      batch.reject(new Error(`journal write failed: ${(err as Error).message}`, { cause: err }));
    }
  }
}
