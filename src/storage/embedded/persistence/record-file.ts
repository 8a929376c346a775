// Low-level pieces shared by the journal and the snapshots: the CRC-framed
// record format, a chunked synchronous frame scanner used at start-up, and
// small fs helpers (positional full writes, fdatasync, directory fsync).
//
// Frame: [u32 LE body length][u32 LE crc32(body)][body = one BSON document].
// A frame is valid only when the length is at least 5 (the smallest BSON
// document), at most MAX_FRAME_BYTES, the CRC matches and the BSON document's
// own int32 length equals the frame length, so zero-filled or garbage tails
// are never mistaken for records.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { deserialize, serialize, type Document } from 'bson';

export const FRAME_HEADER_BYTES = 8;
/** Upper bound for one record (16 MiB documents plus envelope, with headroom). */
export const MAX_FRAME_BYTES = 17 * 1024 * 1024;
export const FORMAT_VERSION = 1;

/**
 * Bodies are read back so that the engine gets exactly the values it had in
 * memory before the restart: int32/double become JS numbers (as on the wire),
 * Long stays Long (the wire already promoted small int64s to numbers, so any
 * Long in memory is deliberate), Binary stays Binary, regexes become RegExp.
 */
export const RECORD_DESERIALIZE_OPTIONS = {
  promoteLongs: false,
  promoteValues: true,
  promoteBuffers: false,
  bsonRegExp: false,
} as const;
export const RECORD_SERIALIZE_OPTIONS = { ignoreUndefined: true } as const;

/** Serialises `body` and returns [header, body] ready to be written back to back. */
export function encodeFrame(body: Document): [Buffer, Buffer] {
  const bytes = serialize(body, RECORD_SERIALIZE_OPTIONS);
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length > MAX_FRAME_BYTES) throw new RangeError(`record of ${buf.length} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(buf.length, 0);
  header.writeUInt32LE(zlib.crc32(buf), 4);
  return [header, buf];
}

/** Deserialises a frame body, copying it first so Binary values do not pin the read chunk. */
export function decodeBody(body: Buffer): Document {
  return deserialize(new Uint8Array(body), RECORD_DESERIALIZE_OPTIONS);
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads frames sequentially from a file with synchronous chunked reads.
 * `next()` returns the next valid body, or null at the end of the valid
 * prefix; then `validEnd` is the offset just past the last valid frame and
 * `problem` says why scanning stopped early (undefined at a clean end).
 */
export class FrameScanner {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  /** Offset just past the last frame returned by next(). */
  validEnd = 0;
  problem: string | undefined;
  readonly fileSize: number;

  constructor(private readonly fd: number) {
    this.fileSize = fs.fstatSync(fd).size;
  }

  next(): Buffer | null {
    const pos = this.validEnd;
    if (pos >= this.fileSize) return null;
    const header = this.read(pos, FRAME_HEADER_BYTES);
    if (!header) return this.stop(`truncated frame header at offset ${pos}`);
    const length = header.readUInt32LE(0);
    const crc = header.readUInt32LE(4);
    if (length < 5 || length > MAX_FRAME_BYTES) return this.stop(`invalid frame length ${length} at offset ${pos}`);
    const body = this.read(pos + FRAME_HEADER_BYTES, length);
    if (!body) return this.stop(`truncated frame at offset ${pos} (${length} bytes announced)`);
    if (zlib.crc32(body) !== crc) return this.stop(`CRC mismatch in frame at offset ${pos}`);
    if (body.readInt32LE(0) !== length || body[length - 1] !== 0) return this.stop(`malformed BSON in frame at offset ${pos}`);
    this.validEnd = pos + FRAME_HEADER_BYTES + length;
    return body;
  }

  private stop(problem: string): null {
    this.problem = problem;
    return null;
  }

  /** Returns `n` bytes at file offset `pos`, or null if the file is shorter. */
  private read(pos: number, n: number): Buffer | null {
    const start = pos - this.bufStart;
    if (start >= 0 && start + n <= this.buf.length) return this.buf.subarray(start, start + n);
    const want = Math.min(Math.max(n, CHUNK_BYTES), this.fileSize - pos);
    if (want < n) return null;
    const chunk = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const r = fs.readSync(this.fd, chunk, got, want - got, pos + got);
      if (r === 0) return null;
      got += r;
    }
    this.buf = chunk;
    this.bufStart = pos;
    return chunk.subarray(0, n);
  }
}

/** Writes buffers synchronously at `pos`, returning the new end offset. */
export function writeAllSync(fd: number, bufs: readonly Buffer[], pos: number): number {
  for (const b of bufs) {
    let off = 0;
    while (off < b.length) {
      const n = fs.writeSync(fd, b, off, b.length - off, pos);
      off += n;
      pos += n;
    }
  }
  return pos;
}

/** Writes `buf` completely at `pos` (looping on short writes). */
export function writeAll(fd: number, buf: Buffer, pos: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void => {
      if (off >= buf.length) return resolve();
      fs.write(fd, buf, off, buf.length - off, pos + off, (err, n) => (err ? reject(err) : step(off + n)));
    };
    step(0);
  });
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve) => fs.close(fd, () => resolve()));
}

function ignorableDirSyncError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  // Some platforms/filesystems (Windows, some network mounts) cannot fsync a directory.
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EBADF' || code === 'ENOTSUP';
}

/** Makes directory entries (creations, renames, unlinks) in `dir` durable. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    await handle?.close();
  }
}
