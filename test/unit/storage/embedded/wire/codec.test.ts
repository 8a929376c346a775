import { describe, it, expect } from '@jest/globals';
import { serialize, deserialize } from 'bson';
import { FrameReader, ProtocolError, decodeRequest, encodeOpMsg, encodeOpReply, OP_MSG, OP_QUERY } from '../../../../../src/storage/embedded/wire/codec.js';

function opMsg(body: object, sequences: Record<string, object[]> = {}, flags = 0): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of Object.entries(sequences)) {
    const payload = Buffer.concat([Buffer.from(id + '\0'), ...docs.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  const body2 = Buffer.concat([flagBuf, ...parts]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body2.length, 0);
  header.writeInt32LE(7, 4);
  header.writeInt32LE(OP_MSG, 12);
  return Buffer.concat([header, body2]);
}

describe('FrameReader', () => {
  it('reassembles messages split across chunks and splits coalesced ones', () => {
    const a = opMsg({ ping: 1, $db: 'admin' });
    const b = opMsg({ hello: 1, $db: 'admin' });
    const all = Buffer.concat([a, b]);
    const reader = new FrameReader();
    const frames = [...reader.push(all.subarray(0, 3)), ...reader.push(all.subarray(3, a.length + 5)), ...reader.push(all.subarray(a.length + 5))];
    expect(frames.map((f) => decodeRequest(f).command)).toEqual([{ ping: 1, $db: 'admin' }, { hello: 1, $db: 'admin' }]);
  });

  it('rejects a declared length over 48 MB or under the header size', () => {
    const huge = Buffer.alloc(16);
    huge.writeInt32LE(49_000_000);
    expect(() => new FrameReader().push(huge)).toThrow(ProtocolError);
    const tiny = Buffer.alloc(16);
    tiny.writeInt32LE(8);
    expect(() => new FrameReader().push(tiny)).toThrow(ProtocolError);
  });
});

describe('decodeRequest', () => {
  it('merges kind-1 document sequences into the command body', () => {
    const req = decodeRequest(opMsg({ insert: 'c', $db: 'd' }, { documents: [{ a: 1 }, { a: 2 }] }));
    expect(req.command).toEqual({ insert: 'c', $db: 'd', documents: [{ a: 1 }, { a: 2 }] });
  });

  it('reads the moreToCome flag', () => {
    const req = decodeRequest(opMsg({ endSessions: [], $db: 'admin' }, {}, 2));
    expect(req.kind === 'msg' && req.flags).toBe(2);
  });

  it('decodes the legacy OP_QUERY handshake, unwrapping $query', () => {
    const ns = Buffer.from('admin.$cmd\0');
    const q = Buffer.from(serialize({ $query: { isMaster: 1 }, $readPreference: { mode: "primary" } }));
    const body = Buffer.concat([Buffer.alloc(4), ns, Buffer.alloc(8), q]);
    const header = Buffer.alloc(16);
    header.writeInt32LE(16 + body.length, 0);
    header.writeInt32LE(OP_QUERY, 12);
    const req = decodeRequest(Buffer.concat([header, body]));
    expect(req.kind).toBe('query');
    expect(req.command).toEqual({ isMaster: 1 });
  });

  it('rejects unknown opcodes, unknown section kinds and truncated documents', () => {
    const unknown = opMsg({ ping: 1 });
    unknown.writeInt32LE(9999, 12);
    expect(() => decodeRequest(unknown)).toThrow(/opcode/);
    const badKind = opMsg({ ping: 1 });
    badKind[20] = 7;
    expect(() => decodeRequest(badKind)).toThrow(/section kind/);
    const truncated = opMsg({ ping: 1, pad: 'x'.repeat(50) });
    expect(() => decodeRequest(truncated.subarray(0, truncated.length - 10))).toThrow(ProtocolError);
  });
});

describe('encoders', () => {
  it('answer the request id and carry the document', () => {
    const msg = encodeOpMsg(42, { ok: 1 });
    expect(msg.readInt32LE(0)).toBe(msg.length);
    expect(msg.readInt32LE(8)).toBe(42);
    expect(deserialize(msg.subarray(21))).toEqual({ ok: 1 });
    const reply = encodeOpReply(43, { ok: 1, ismaster: true });
    expect(reply.readInt32LE(8)).toBe(43);
    expect(reply.readInt32LE(32)).toBe(1);
    expect(deserialize(reply.subarray(36))).toEqual({ ok: 1, ismaster: true });
  });
});
