// MongoDB wire protocol: framing over a TCP byte stream and the three opcodes a
// modern driver uses (OP_QUERY for the legacy handshake, OP_REPLY to answer it,
// OP_MSG for everything else).
import { deserialize, serialize, Long } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_MESSAGE_BYTES = 48_000_000;
export const MAX_BSON_OBJECT_BYTES = 16 * 1024 * 1024;

const CHECKSUM_PRESENT = 1 << 0;
export const MORE_TO_COME = 1 << 1;

export type Doc = Record<string, unknown>;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface OpMsgRequest {
  kind: 'msg';
  header: MessageHeader;
  flags: number;
  /** Body merged with kind-1 document sequences (e.g. `documents` for insert). */
  command: Doc;
}

export interface OpQueryRequest {
  kind: 'query';
  header: MessageHeader;
  collection: string;
  command: Doc;
}

export type Request = OpMsgRequest | OpQueryRequest;

export class ProtocolError extends Error {}

const DESERIALIZE_OPTIONS = { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

/** Accumulates TCP chunks and yields complete messages; rejects lengths the protocol forbids. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_BYTES) {
        throw new ProtocolError(`message length ${length} is outside 16..${MAX_MESSAGE_BYTES} bytes`);
      }
      if (this.buffered < length) break;
      frames.push(this.take(length));
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const frame = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return frame;
  }
}

export function readHeader(frame: Buffer): MessageHeader {
  return {
    length: frame.readInt32LE(0),
    requestId: frame.readInt32LE(4),
    responseTo: frame.readInt32LE(8),
    opCode: frame.readInt32LE(12),
  };
}

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new ProtocolError('unterminated C string');
  return [buf.toString('utf8', offset, end), end + 1];
}

function readDocument(buf: Buffer, offset: number, limit: number): [Doc, number] {
  if (offset + 5 > limit) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > limit) throw new ProtocolError('BSON document size exceeds message');
  const doc = deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS) as Doc;
  return [doc, offset + size];
}

export function decodeRequest(frame: Buffer): Request {
  const header = readHeader(frame);
  if (header.opCode === OP_MSG) return decodeOpMsg(frame, header);
  if (header.opCode === OP_QUERY) return decodeOpQuery(frame, header);
  throw new ProtocolError(`unsupported opcode ${header.opCode}`);
}

function decodeOpMsg(frame: Buffer, header: MessageHeader): OpMsgRequest {
  const flags = frame.readUInt32LE(16);
  // Only the two documented low bits and exhaustAllowed may be set.
  if ((flags & 0xffff) & ~(CHECKSUM_PRESENT | MORE_TO_COME)) throw new ProtocolError(`unknown required OP_MSG flag bits ${flags}`);
  const end = flags & CHECKSUM_PRESENT ? frame.length - 4 : frame.length;
  let offset = 20;
  let body: Doc | undefined;
  const sequences: Record<string, Doc[]> = {};
  while (offset < end) {
    const kind = frame.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG has more than one body section');
      [body, offset] = readDocument(frame, offset, end);
    } else if (kind === 1) {
      const size = frame.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new ProtocolError('document sequence size exceeds message');
      const [id, start] = readCString(frame, offset + 4);
      let pos = start;
      const docs: Doc[] = [];
      while (pos < sectionEnd) {
        let doc: Doc;
        [doc, pos] = readDocument(frame, pos, sectionEnd);
        docs.push(doc);
      }
      (sequences[id] ??= []).push(...docs);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG has no body section');
  for (const [id, docs] of Object.entries(sequences)) body[id] = docs;
  return { kind: 'msg', header, flags, command: body };
}

function decodeOpQuery(frame: Buffer, header: MessageHeader): OpQueryRequest {
  const [collection, offset] = readCString(frame, 20);
  const [query] = readDocument(frame, offset + 8, frame.length);
  // Legacy handshakes may wrap the command as { $query: {...}, $readPreference }.
  const command = (query.$query as Doc | undefined) ?? query;
  return { kind: 'query', header, collection, command };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buf = Buffer.allocUnsafe(16);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

const SERIALIZE_OPTIONS = { ignoreUndefined: true } as const;

export function encodeOpMsg(responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, SERIALIZE_OPTIONS);
  const flagsAndKind = Buffer.alloc(5);
  return Buffer.concat([header(16 + 5 + body.length, responseTo, OP_MSG), flagsAndKind, body]);
}

export function encodeOpReply(responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, SERIALIZE_OPTIONS);
  const fixed = Buffer.alloc(20);
  fixed.writeInt32LE(0, 0); // responseFlags
  const cursorId = Long.ZERO;
  fixed.writeInt32LE(cursorId.low, 4);
  fixed.writeInt32LE(cursorId.high, 8);
  fixed.writeInt32LE(0, 12); // startingFrom
  fixed.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(16 + 20 + body.length, responseTo, OP_REPLY), fixed, body]);
}
