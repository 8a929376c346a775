import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Binary, Decimal128, EJSON, Long, ObjectId, Timestamp } from 'bson';
import { Journal, type JournalRecord, type SnapshotCollection } from '../../../../../src/storage/embedded/persistence/journal.js';
import { writeSnapshotSync } from '../../../../../src/storage/embedded/persistence/snapshot.js';
import { encodeFrame, writeAllSync } from '../../../../../src/storage/embedded/persistence/record-file.js';

// A tiny stand-in for the engine: applies records to maps and can produce a snapshot source.
class Model {
  readonly colls = new Map<string, { db: string; coll: string; options: Record<string, unknown>; indexes: Map<string, Record<string, unknown>>; docs: Map<string, Record<string, unknown>> }>();
  readonly applied: JournalRecord[] = [];

  apply = (r: JournalRecord): void => {
    this.applied.push(r);
    switch (r.op) {
      case 'createCollection':
        this.ensure(r.db, r.coll).options = r.options ?? {};
        break;
      case 'put':
        this.ensure(r.db, r.coll).docs.set(key(r.doc._id), r.doc);
        break;
      case 'del':
        this.colls.get(`${r.db}.${r.coll}`)?.docs.delete(key(r.id));
        break;
      case 'createIndex':
        this.ensure(r.db, r.coll).indexes.set(String(r.spec.name), r.spec);
        break;
      case 'dropIndex':
        this.colls.get(`${r.db}.${r.coll}`)?.indexes.delete(r.name);
        break;
      case 'dropCollection':
        this.colls.delete(`${r.db}.${r.coll}`);
        break;
      case 'dropDatabase':
        for (const [k, c] of this.colls) if (c.db === r.db) this.colls.delete(k);
        break;
    }
  };

  /** Applies in memory, then journals (what the engine does). */
  write(j: Journal, records: JournalRecord[]): Promise<void> {
    records.forEach(this.apply);
    return j.append(records);
  }

  source = (): Iterable<SnapshotCollection> =>
    [...this.colls.values()].map((c) => ({ db: c.db, coll: c.coll, options: c.options, indexes: [...c.indexes.values()], docs: c.docs.values() }));

  /** Canonical EJSON of the whole state (type-exact: Long vs number, etc.). */
  state(): unknown {
    const out: Record<string, unknown> = {};
    for (const [k, c] of [...this.colls].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out[k] = {
        options: c.options,
        indexes: [...c.indexes.values()].sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1)),
        docs: [...c.docs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d),
      };
    }
    return EJSON.serialize(out, { relaxed: false });
  }

  private ensure(db: string, coll: string) {
    const k = `${db}.${coll}`;
    let c = this.colls.get(k);
    if (!c) this.colls.set(k, (c = { db, coll, options: {}, indexes: new Map(), docs: new Map() }));
    return c;
  }
}

function key(id: unknown): string {
  return JSON.stringify(EJSON.serialize({ id }, { relaxed: false }));
}

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function reopen(dir: string, options: Parameters<typeof Journal.open>[2] = {}): Promise<{ j: Journal; m: Model; warnings: string[] }> {
  const m = new Model();
  const warnings: string[] = [];
  const j = await Journal.open(dir, m.apply, { onWarning: (w) => warnings.push(w), ...options });
  return { j, m, warnings };
}

const put = (coll: string, doc: Record<string, unknown>): JournalRecord => ({ op: 'put', db: 'app', coll, doc });
const files = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('Journal', () => {
  it('round-trips every record type and BSON value types', async () => {
    const dir = tempDir();
    const { j, m } = await reopen(dir);
    const oid = new ObjectId();
    const doc = {
      _id: oid,
      at: new Date('2024-05-06T07:08:09.123Z'),
      nested: { a: [1, 'two', { three: 3.5 }], empty: {}, nul: null },
      bin: new Binary(Buffer.from([0, 1, 2, 255]), 0x80),
      big: Long.fromString('9007199254740993'),
      small: Long.fromNumber(5),
      dec: Decimal128.fromString('1.10'),
      ts: new Timestamp({ t: 1700000000, i: 7 }),
      re: /ab+c/i,
      $odd: 'dollar key',
      'dot.ted': true,
    };
    await m.write(j, [
      { op: 'createCollection', db: 'app', coll: 'tickets', options: { capped: false, validator: { x: { $type: 'string' } } } },
      { op: 'createCollection', db: 'app', coll: 'plain' },
      { op: 'createIndex', db: 'app', coll: 'tickets', spec: { key: { at: -1, 'nested.a': 1 }, name: 'at_-1', unique: true, partialFilterExpression: { at: { $exists: true } } } },
      { op: 'createIndex', db: 'app', coll: 'tickets', spec: { key: { ttl: 1 }, name: 'ttl_1', expireAfterSeconds: 3600 } },
      put('tickets', doc),
      put('tickets', { _id: 2, gone: true }),
      { op: 'del', db: 'app', coll: 'tickets', id: 2 },
      { op: 'dropIndex', db: 'app', coll: 'tickets', name: 'ttl_1' },
      { op: 'createCollection', db: 'other', coll: 'x' },
      put('plain', { _id: 'p' }),
      { op: 'dropCollection', db: 'app', coll: 'plain' },
      { op: 'dropDatabase', db: 'other' },
    ]);
    await j.close();

    const again = await reopen(dir);
    expect(again.warnings).toEqual([]);
    expect(again.m.applied.map((r) => r.op)).toEqual(m.applied.map((r) => r.op));
    expect(EJSON.serialize(again.m.applied, { relaxed: false })).toEqual(EJSON.serialize(m.applied, { relaxed: false }));
    expect(again.m.state()).toEqual(m.state());
    const back = again.m.applied[4] as Extract<JournalRecord, { op: 'put' }>;
    expect(back.doc._id).toBeInstanceOf(ObjectId);
    expect((back.doc._id as ObjectId).equals(oid)).toBe(true);
    expect(back.doc.at).toBeInstanceOf(Date);
    expect(back.doc.bin).toBeInstanceOf(Binary);
    expect((back.doc.bin as Binary).sub_type).toBe(0x80);
    expect(Buffer.from((back.doc.bin as Binary).buffer)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(back.doc.big).toBeInstanceOf(Long);
    expect(back.doc.small).toBeInstanceOf(Long);
    expect(String(back.doc.big)).toBe('9007199254740993');
    expect(Object.keys(back.doc)).toEqual(Object.keys(doc));
    expect(again.m.applied[1]).toEqual({ op: 'createCollection', db: 'app', coll: 'plain' });
    await again.j.close();
  });

  it('stores records as they were when appended, in call order', async () => {
    const dir = tempDir();
    const { j } = await reopen(dir);
    const doc = { _id: 1, v: 'before' };
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) writes.push(j.append([put('c', { _id: i, v: i })]));
    writes.push(j.append([put('c', doc)]));
    doc.v = 'mutated after append';
    await Promise.all(writes);
    for (let i = 300; i < 320; i++) await j.append([put('c', { _id: i }), { op: 'del', db: 'app', coll: 'c', id: i }]);
    await j.close();

    const { m, j: j2 } = await reopen(dir);
    const ids = m.applied.map((r) => (r.op === 'put' ? r.doc._id : r.op === 'del' ? `del ${String(r.id)}` : r.op));
    const expected: unknown[] = Array.from({ length: 300 }, (_, i) => i);
    expected.push(1);
    for (let i = 300; i < 320; i++) expected.push(i, `del ${i}`);
    expect(ids).toEqual(expected);
    expect((m.applied[300] as Extract<JournalRecord, { op: 'put' }>).doc.v).toBe('before');
    await j2.close();
  });

  it('group-commits appends of one event-loop turn into one write and one fsync', async () => {
    const dir = tempDir();
    const { j } = await reopen(dir);
    const all = Array.from({ length: 2000 }, (_, i) => j.append([put('c', { _id: i, payload: 'x'.repeat(50) })]));
    await Promise.all(all);
    expect(j.stats).toMatchObject({ writes: 1, syncs: 1, batches: 1, records: 2000 });

    for (let i = 0; i < 5; i++) await j.append([put('c', { _id: `s${i}` })]);
    expect(j.stats).toMatchObject({ writes: 6, syncs: 6, batches: 6, records: 2005 });

    // Appends issued while a batch is being written are grouped into the next one.
    const concurrent = Array.from({ length: 10 }, async (_, c) => {
      for (let i = 0; i < 20; i++) await j.append([put('c', { _id: `c${c}-${i}` })]);
    });
    await Promise.all(concurrent);
    expect(j.stats.records).toBe(2205);
    expect(j.stats.batches - 6).toBeLessThanOrEqual(40);
    await j.close();
    const { m, j: j2 } = await reopen(dir);
    expect(m.applied).toHaveLength(2205);
    await j2.close();
  });

  it('truncates a torn tail, warns, and keeps accepting appends', async () => {
    const dir = tempDir();
    const { j, m } = await reopen(dir);
    await m.write(j, [put('c', { _id: 1 }), put('c', { _id: 2 })]);
    await j.close();
    const log = path.join(dir, 'journal-0.log');
    const goodSize = fs.statSync(log).size;
    // Half of a further record, as left by a crash in the middle of a write.
    const [h, b] = encodeFrame({ op: 'put', db: 'app', coll: 'c', doc: { _id: 3, big: 'y'.repeat(100) } });
    fs.appendFileSync(log, Buffer.concat([h, b]).subarray(0, 40));

    const second = await reopen(dir);
    expect(second.warnings).toHaveLength(1);
    expect(second.warnings[0]).toMatch(/journal-0\.log: truncated frame.*truncated 40 trailing bytes/);
    expect(fs.statSync(log).size).toBe(goodSize);
    expect(files(dir).some((f) => f.startsWith('journal-0.log.corrupt-'))).toBe(true);
    expect(second.m.state()).toEqual(m.state());
    await second.m.write(second.j, [put('c', { _id: 4 })]);
    await second.j.close();

    // Plain garbage at the end is handled the same way.
    fs.appendFileSync(log, Buffer.from('\x00\x00\x00\x00\x00\x00\x00\x00garbage garbage'));
    const third = await reopen(dir);
    expect(third.warnings).toHaveLength(1);
    expect(third.m.state()).toEqual(second.m.state());
    await third.j.close();
  });

  it('detects a CRC mismatch and drops the corrupt record and everything after it', async () => {
    const dir = tempDir();
    const { j } = await reopen(dir);
    await j.append([put('c', { _id: 1, v: 'aaaa' })]);
    const log = path.join(dir, 'journal-0.log');
    const corruptAt = fs.statSync(log).size;
    await j.append([put('c', { _id: 2, v: 'bbbb' })]);
    await j.append([put('c', { _id: 3, v: 'cccc' })]);
    await j.close();

    const bytes = fs.readFileSync(log);
    const i = bytes.indexOf('bbbb', corruptAt);
    bytes[i] = 'X'.charCodeAt(0); // same length, valid BSON, wrong CRC
    fs.writeFileSync(log, bytes);

    const { m, j: j2, warnings } = await reopen(dir);
    expect(warnings.join('\n')).toMatch(new RegExp(`CRC mismatch in frame at offset ${corruptAt}`));
    expect(m.applied.map((r) => (r as Extract<JournalRecord, { op: 'put' }>).doc._id)).toEqual([1]);
    expect(fs.statSync(log).size).toBe(corruptAt);
    await j2.append([put('c', { _id: 9 })]);
    await j2.close();
    const { m: m3, j: j3 } = await reopen(dir);
    expect(m3.applied.map((r) => (r as Extract<JournalRecord, { op: 'put' }>).doc._id)).toEqual([1, 9]);
    await j3.close();
  });

  it('compacts to the same state, retires old generations, and keeps later appends', async () => {
    const dir = tempDir();
    const { j, m } = await reopen(dir);
    await m.write(j, [
      { op: 'createCollection', db: 'app', coll: 'c', options: { note: 'opts' } },
      { op: 'createIndex', db: 'app', coll: 'c', spec: { key: { v: 1 }, name: 'v_1' } },
      { op: 'createCollection', db: 'app', coll: 'empty' },
    ]);
    for (let i = 0; i < 50; i++) await m.write(j, [put('c', { _id: i, v: i, l: Long.fromNumber(i) })]);
    await m.write(j, [put('c', { _id: 7, v: 'updated' }), { op: 'del', db: 'app', coll: 'c', id: 8 }]);

    // Writes racing with the compaction: before the cut, same turn after it, and while it finishes.
    const before = m.write(j, [put('c', { _id: 'before' })]);
    const compaction = j.compact(m.source);
    const after = m.write(j, [put('c', { _id: 'after' }), put('c', { _id: 7, v: 'after-cut' })]);
    await Promise.all([before, compaction, after]);
    const later = m.write(j, [put('c', { _id: 'later' })]);
    await later;
    expect(j.stats.compactions).toBe(1);
    expect(files(dir)).toEqual(['LOCK', 'journal-1.log', 'snapshot-1.bson']);
    await j.close();

    const second = await reopen(dir);
    expect(second.warnings).toEqual([]);
    expect(second.m.state()).toEqual(m.state());
    // The snapshot itself (without the log) holds exactly the pre-cut writes.
    const replayedFromLog = second.m.applied.slice(-3).map((r) => (r as Extract<JournalRecord, { op: 'put' }>).doc._id);
    expect(replayedFromLog).toEqual(['after', 7, 'later']);
    // A second compaction and more writes.
    await second.j.compact(second.m.source);
    await second.m.write(second.j, [{ op: 'del', db: 'app', coll: 'c', id: 'later' }]);
    await second.j.close();
    expect(files(dir)).toEqual(['journal-2.log', 'snapshot-2.bson']);
    const third = await reopen(dir);
    expect(third.m.state()).toEqual(second.m.state());
    await third.j.close();
  });

  it('ignores an incomplete snapshot in favour of the previous generation and its logs', async () => {
    const dir = tempDir();
    const { j, m } = await reopen(dir);
    await m.write(j, [put('c', { _id: 1 }), put('c', { _id: 2 })]);
    await j.compact(m.source);
    await m.write(j, [put('c', { _id: 3 }), { op: 'del', db: 'app', coll: 'c', id: 1 }]);
    await j.close();

    // Simulate a crash half-way through compaction 2: journal-2.log holds the
    // post-cut writes, and snapshot-2.bson lacks its end marker.
    const snapPath = path.join(dir, 'snapshot-2.bson');
    const fd = fs.openSync(snapPath, 'w');
    writeSnapshotSync(fd, 2, m.source());
    fs.closeSync(fd);
    const full = fs.readFileSync(snapPath);
    const endFrame = encodeFrame({ t: 'end', frames: 4 });
    fs.writeFileSync(snapPath, full.subarray(0, full.length - endFrame[0].length - endFrame[1].length));
    const logFd = fs.openSync(path.join(dir, 'journal-2.log'), 'w');
    writeAllSync(logFd, [...encodeFrame({ t: 'journal', v: 1, gen: 2 }), ...encodeFrame({ op: 'put', db: 'app', coll: 'c', doc: { _id: 4 } })], 0);
    fs.closeSync(logFd);
    m.apply(put('c', { _id: 4 }));

    const second = await reopen(dir);
    expect(second.warnings).toEqual([expect.stringMatching(/ignoring snapshot-2\.bson: no end marker/)]);
    expect(second.m.state()).toEqual(m.state());
    expect(files(dir).some((f) => f.startsWith('snapshot-2.bson.invalid-'))).toBe(true);
    expect(second.j.needsCompaction).toBe(true); // two generations were replayed
    await second.m.write(second.j, [put('c', { _id: 5 })]);
    await second.j.compact(second.m.source);
    await second.j.close();
    const third = await reopen(dir);
    expect(third.m.state()).toEqual(second.m.state());
    expect(third.j.needsCompaction).toBe(false);
    await third.j.close();
  });

  it('refuses to recover when history is missing instead of starting half-empty', async () => {
    const dir = tempDir();
    const { j, m } = await reopen(dir);
    await m.write(j, [put('c', { _id: 1 })]);
    await j.compact(m.source);
    await j.close();
    fs.rmSync(path.join(dir, 'snapshot-1.bson'));
    await expect(reopen(dir)).rejects.toThrow(/journal-0\.log is missing/);
    // The failed open released the lock.
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
  });

  it('locks the data directory', async () => {
    const dir = tempDir();
    const { j } = await reopen(dir);
    await expect(Journal.open(dir, () => undefined)).rejects.toThrow(/already open in this process/);
    await j.close();
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);

    // A lock held by another live process on this host.
    const lockFile = path.join(dir, 'LOCK');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, hostname: os.hostname(), token: 't', startedAt: 'x' }));
    await expect(Journal.open(dir, () => undefined)).rejects.toThrow(new RegExp(`locked by running process ${process.ppid}`));

    // A stale lock from a dead process is taken over.
    fs.writeFileSync(lockFile, JSON.stringify({ pid: 2 ** 30, hostname: os.hostname(), token: 't', startedAt: 'x' }));
    const taken = await reopen(dir);
    expect(taken.warnings).toEqual([expect.stringMatching(/taking over stale lock/)]);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
    await taken.j.close();
  });

  it('reports needsCompaction past compactAtBytes', async () => {
    const dir = tempDir();
    const { j, m } = await reopen(dir, { compactAtBytes: 4096 });
    expect(j.needsCompaction).toBe(false);
    for (let i = 0; i < 40 && !j.needsCompaction; i++) await m.write(j, [put('c', { _id: i, pad: 'p'.repeat(200) })]);
    expect(j.needsCompaction).toBe(true);
    const running = j.compact(m.source);
    expect(j.needsCompaction).toBe(false);
    await running;
    expect(j.needsCompaction).toBe(false);
    await j.close();
    const again = await reopen(dir, { compactAtBytes: 4096 });
    expect(again.m.state()).toEqual(m.state());
    await again.j.close();
  });

  it('rejects appends when the write fails and after close', async () => {
    const dir = tempDir();
    const { j } = await reopen(dir);
    await j.append([put('c', { _id: 1 })]);
    // Pull the file descriptor out from under the writer.
    const active = (j as unknown as { active: { fd: number } }).active;
    fs.closeSync(active.fd);
    await expect(j.append([put('c', { _id: 2 })])).rejects.toThrow(/journal write failed/);
    await expect(j.append([put('c', { _id: 3 })])).rejects.toThrow();
    await j.close();
    await expect(j.append([put('c', { _id: 4 })])).rejects.toThrow(/closed/);
    const { m, j: j2 } = await reopen(dir);
    expect(m.applied).toHaveLength(1);
    await j2.close();
  });

  it('starts empty on a fresh directory and survives reopening without writes', async () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const first = await reopen(dir);
    expect(first.m.applied).toEqual([]);
    await first.j.close();
    const second = await reopen(dir);
    expect(second.m.applied).toEqual([]);
    expect(second.warnings).toEqual([]);
    await second.j.close();
  });
});
