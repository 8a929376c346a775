// Robustness of the embedded server's wire layer: malformed frames get an
// error reply or a closed connection, never a hang or a crash, and other
// connections keep working. Raw `net` sockets; skipped against a real MongoDB.
import { afterAll, beforeAll, beforeEach, expect, it } from '@jest/globals';
import net from 'node:net';
import { once } from 'node:events';
import { deserialize, serialize, type Document } from 'bson';
import type { Db, MongoClient } from 'mongodb';
import { connectClient, describeEmbeddedOnly, startTestDatabase, usingRealMongo, type TestDatabase } from '../support/mongo.js';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

let tdb: TestDatabase;
let client: MongoClient;
let db: Db;
let host = '127.0.0.1';
let port = 0;
let requestId = 1000;

beforeAll(async () => {
  if (usingRealMongo) return;
  tdb = await startTestDatabase('wire');
  const url = new URL(tdb.uri.replace(/^mongodb:/, 'http:'));
  host = url.hostname;
  port = Number(url.port);
  client = await connectClient(tdb.uri);
  db = client.db(tdb.dbName);
});
afterAll(async () => {
  await client?.close();
  await tdb?.stop();
});

function header(length: number, opCode: number, id = ++requestId, responseTo = 0): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(id, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(doc: Document, id = ++requestId, flagBits = 0): Buffer {
  const body = serialize(doc);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32LE(flagBits, 0);
  prefix.writeUInt8(0, 4);
  return Buffer.concat([header(16 + 5 + body.length, OP_MSG, id), prefix, body]);
}

function opQuery(ns: string, doc: Document, id = ++requestId): Buffer {
  const flags = Buffer.alloc(4);
  const name = Buffer.from(`${ns}\0`, 'utf8');
  const skipReturn = Buffer.alloc(8);
  skipReturn.writeInt32LE(0, 0);
  skipReturn.writeInt32LE(-1, 4);
  const body = serialize(doc);
  const len = 16 + flags.length + name.length + skipReturn.length + body.length;
  return Buffer.concat([header(len, OP_QUERY, id), flags, name, skipReturn, body]);
}

interface Reply {
  opCode: number;
  responseTo: number;
  doc?: Document;
}

function parseReplies(buf: Buffer): Reply[] {
  const out: Reply[] = [];
  let off = 0;
  while (buf.length - off >= 16) {
    const len = buf.readInt32LE(off);
    if (len < 16 || off + len > buf.length) break;
    const responseTo = buf.readInt32LE(off + 8);
    const opCode = buf.readInt32LE(off + 12);
    let doc: Document | undefined;
    try {
      const at = opCode === OP_MSG ? off + 21 : opCode === OP_REPLY ? off + 36 : -1;
      if (at > 0 && (opCode !== OP_MSG || buf.readUInt8(off + 20) === 0)) {
        doc = deserialize(buf.subarray(at, at + buf.readInt32LE(at)));
      }
    } catch {
      doc = undefined;
    }
    out.push({ opCode, responseTo, doc });
    off += len;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Exchange {
  closed: boolean;
  replies: Reply[];
  bytes: number;
}

/** Writes `chunks` on a fresh connection and waits until `replies` replies arrived, the server closed, or the timeout. */
async function exchange(
  chunks: Buffer[],
  { gapMs = 0, end = false, replies = 1, timeoutMs = 5000 }: { gapMs?: number; end?: boolean; replies?: number; timeoutMs?: number } = {},
): Promise<Exchange> {
  const socket = net.connect(port, host);
  socket.on('error', () => undefined); // ECONNRESET / EPIPE count as a closed connection
  await once(socket, 'connect');
  const received: Buffer[] = [];
  let closed = false;
  socket.on('data', (d) => received.push(d));
  socket.once('close', () => {
    closed = true;
  });
  for (const [i, chunk] of chunks.entries()) {
    if (closed) break;
    socket.write(chunk);
    if (gapMs && i < chunks.length - 1) await sleep(gapMs);
  }
  if (end && !closed) socket.end();
  const deadline = Date.now() + timeoutMs;
  while (!closed && Date.now() < deadline && parseReplies(Buffer.concat(received)).length < replies) await sleep(10);
  const data = Buffer.concat(received);
  socket.destroy();
  return { closed, replies: parseReplies(data), bytes: data.length };
}

const isErrorReply = (r: Reply): boolean => r.doc !== undefined && (r.doc.ok === 0 || r.doc.$err !== undefined);

/** The server must either answer with an error or close; it must never answer a bad frame with success. */
function expectRejected(res: Exchange): void {
  expect(res.replies.some((r) => r.doc?.ok === 1)).toBe(false);
  expect(res.closed || res.replies.some(isErrorReply)).toBe(true);
}

async function expectHealthy(): Promise<void> {
  expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  const coll = db.collection<{ _id: number }>('health');
  const _id = ++requestId;
  await coll.insertOne({ _id });
  expect(await coll.findOne({ _id })).toEqual({ _id });
}

describeEmbeddedOnly('embedded wire protocol: well-formed frames', () => {
  it('answers a raw OP_MSG ping', async () => {
    const res = await exchange([opMsg({ ping: 1, $db: 'admin' }, 42)]);
    expect(res.replies).toHaveLength(1);
    expect(res.replies[0]).toMatchObject({ opCode: OP_MSG, responseTo: 42, doc: { ok: 1 } });
  });

  it('reassembles a frame sent one byte at a time', async () => {
    const msg = opMsg({ ping: 1, $db: 'admin' }, 43);
    const bytes = Array.from(msg, (b) => Buffer.from([b]));
    const res = await exchange(bytes, { gapMs: 1, timeoutMs: 10_000 });
    expect(res.replies).toHaveLength(1);
    expect(res.replies[0]).toMatchObject({ responseTo: 43, doc: { ok: 1 } });
  });

  it('answers two pipelined frames written together', async () => {
    const both = Buffer.concat([opMsg({ ping: 1, $db: 'admin' }, 51), opMsg({ ping: 1, $db: 'admin' }, 52)]);
    const res = await exchange([both], { replies: 2 });
    expect(res.replies.map((r) => [r.responseTo, r.doc?.ok])).toEqual([
      [51, 1],
      [52, 1],
    ]);
  });

  it('answers a legacy OP_QUERY isMaster with OP_REPLY', async () => {
    const res = await exchange([opQuery('admin.$cmd', { isMaster: 1 }, 60)]);
    expect(res.replies).toHaveLength(1);
    expect(res.replies[0].opCode).toBe(OP_REPLY);
    expect(res.replies[0].responseTo).toBe(60);
    expect(res.replies[0].doc).toMatchObject({ ismaster: true, ok: 1 });
  });

  it('answers an unknown command with an error reply and keeps the connection', async () => {
    const res = await exchange([opMsg({ noSuchCmd: 1, $db: 'admin' }, 70), opMsg({ ping: 1, $db: 'admin' }, 71)], { replies: 2 });
    expect(res.closed).toBe(false);
    expect(res.replies.map((r) => [r.responseTo, r.doc?.ok, r.doc?.code])).toEqual([
      [70, 0, 59],
      [71, 1, undefined],
    ]);
  });
});

describeEmbeddedOnly('embedded wire protocol: bad input', () => {
  beforeEach(async () => {
    await expectHealthy();
  });

  it('garbage bytes (an HTTP request) are rejected', async () => {
    expectRejected(await exchange([Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')]));
    await expectHealthy();
  });

  it('a small frame of random bytes is rejected', async () => {
    const junk = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 73 + 11) & 0xff));
    junk.writeInt32LE(48, 0);
    expectRejected(await exchange([junk]));
    await expectHealthy();
  });

  it('a declared length below the header size is rejected', async () => {
    expectRejected(await exchange([header(8, OP_MSG)]));
    expectRejected(await exchange([header(-1, OP_MSG)]));
    await expectHealthy();
  });

  it('a frame declaring more than 48 MB is rejected without waiting for the body', async () => {
    const res = await exchange([header(64 * 1024 * 1024, OP_MSG), Buffer.alloc(1024)], { timeoutMs: 5000 });
    expectRejected(res);
    await expectHealthy();
  });

  it('an unknown opcode is rejected', async () => {
    const body = serialize({ ping: 1, $db: 'admin' });
    expectRejected(await exchange([Buffer.concat([header(16 + 5 + body.length, 9999), Buffer.alloc(5), body])]));
    await expectHealthy();
  });

  it('an OP_MSG whose document overruns the frame is rejected', async () => {
    const full = opMsg({ ping: 1, $db: 'admin', pad: 'x'.repeat(64) });
    const cut = Buffer.from(full.subarray(0, full.length - 20));
    cut.writeInt32LE(cut.length, 0);
    expectRejected(await exchange([cut]));
    await expectHealthy();
  });

  it('an OP_MSG with no body at all is rejected', async () => {
    expectRejected(await exchange([header(16, OP_MSG)]));
    expectRejected(await exchange([Buffer.concat([header(20, OP_MSG), Buffer.alloc(4)])]));
    await expectHealthy();
  });

  it('an OP_MSG with a corrupt BSON document is rejected', async () => {
    const msg = opMsg({ ping: 1, $db: 'admin' });
    msg.writeUInt8(0x55, 21 + 4); // first element type byte → not a BSON type
    expectRejected(await exchange([msg]));
    await expectHealthy();
  });

  it('an OP_MSG with unknown required flag bits is rejected', async () => {
    expectRejected(await exchange([opMsg({ ping: 1, $db: 'admin' }, ++requestId, 1 << 5)]));
    await expectHealthy();
  });

  it('a frame truncated by the client closing its side leaves the server healthy', async () => {
    const full = opMsg({ ping: 1, $db: 'admin' });
    const res = await exchange([full.subarray(0, full.length - 5)], { end: true });
    expect(res.replies).toEqual([]);
    expect(res.closed).toBe(true);
    await expectHealthy();
  });

  it('many bad connections in parallel do not disturb a busy client', async () => {
    const bad = [
      Buffer.from('\x00\x00\x00\x00garbage'),
      header(64 * 1024 * 1024, OP_MSG),
      Buffer.concat([header(21, 4242), Buffer.alloc(5)]),
      header(16, OP_MSG),
    ];
    const work = (async () => {
      for (let i = 0; i < 50; i++) await expectHealthy();
    })();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => exchange([bad[i % bad.length]])));
    for (const r of results) expectRejected(r);
    await work;
  });
});
