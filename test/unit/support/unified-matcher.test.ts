// Unit tests of the unified-format runner (matching rules, skip rules, helpers),
// on hand-written values only.
import { describe, expect, it } from '@jest/globals';
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { withUriOptions } from '../../support/unified/entities.js';
import { assertSameData, isOperator, mismatch, typeAliases } from '../../support/unified/matcher.js';
import { cloneArguments } from '../../support/unified/operations.js';
import { compareVersions, skipReason } from '../../support/unified/skip.js';
import type { Doc, Operation, UnifiedSpecFile, UnifiedTest } from '../../support/unified/spec-types.js';

describe('unified matcher: documents', () => {
  it('allows extra fields in a root document only', () => {
    expect(mismatch({ a: 1 }, { a: 1, b: 2 })).toBeUndefined();
    expect(mismatch({ a: { b: 1 } }, { a: { b: 1, c: 2 } })).toMatch(/\$\.a\.c: unexpected field/);
    expect(mismatch({ a: 1 }, { a: 1, b: 2 }, { level: 'nested' })).toMatch(/unexpected field/);
  });

  it('requires every expected field', () => {
    expect(mismatch({ a: 1, b: 2 }, { a: 1 })).toMatch(/\$\.b: missing field/);
  });

  it('ignores key order', () => {
    expect(mismatch({ a: 1, b: { c: 1, d: 2 } }, { b: { d: 2, c: 1 }, a: 1 })).toBeUndefined();
  });

  it('treats a field holding undefined as absent', () => {
    expect(mismatch({ a: 1 }, { a: 1, b: undefined }, { level: 'nested' })).toBeUndefined();
    expect(mismatch({ b: null }, { b: undefined })).toMatch(/missing field/);
  });

  it('distinguishes documents from scalars and arrays', () => {
    expect(mismatch({ a: { b: 1 } }, { a: 5 })).toMatch(/expected a document/);
    expect(mismatch({ a: [1] }, { a: { 0: 1 } })).toMatch(/expected an array/);
    expect(mismatch({ a: null }, { a: 0 })).toMatch(/expected null/);
  });

  it('matches dollar-prefixed and dotted field names literally', () => {
    expect(mismatch({ _id: 1, a: { $b: 1, 'c.d': 2 } }, { _id: 1, a: { $b: 1, 'c.d': 2 } })).toBeUndefined();
  });
});

describe('unified matcher: arrays', () => {
  it('requires the same length and order', () => {
    expect(mismatch([1, 2], [1, 2, 3])).toMatch(/expected 2 element/);
    expect(mismatch([1, 2], [2, 1])).toMatch(/\$\[0\]/);
  });

  it('treats elements of a cursor result as root documents, and of a plain array as nested', () => {
    const actual = [{ k: 1, extra: true }, { k: 2, extra: true }];
    expect(mismatch([{ k: 1 }, { k: 2 }], actual, { level: 'rootArray' })).toBeUndefined();
    expect(mismatch([{ k: 1 }, { k: 2 }], actual, { level: 'root' })).toMatch(/\$\[0\]\.extra/);
  });
});

describe('unified matcher: numbers and BSON values', () => {
  it('compares int32, int64 and double by value', () => {
    expect(mismatch({ n: 1 }, { n: new Double(1) })).toBeUndefined();
    expect(mismatch({ n: new Int32(7) }, { n: Long.fromNumber(7) })).toBeUndefined();
    expect(mismatch({ n: 1 }, { n: 1.5 })).toMatch(/expected 1, got 1.5/);
    expect(mismatch({ n: Long.fromString('9007199254740993') }, { n: Long.fromString('9007199254740993') })).toBeUndefined();
    expect(mismatch({ n: 1 }, { n: '1' })).toBeDefined();
  });

  it('keeps Decimal128 apart from the other numeric types', () => {
    expect(mismatch({ n: Decimal128.fromString('1.5') }, { n: Decimal128.fromString('1.5') })).toBeUndefined();
    expect(mismatch({ n: Decimal128.fromString('1') }, { n: 1 })).toBeDefined();
  });

  it('compares other BSON values by value', () => {
    const id = new ObjectId();
    expect(mismatch({ id }, { id: new ObjectId(id.toHexString()) })).toBeUndefined();
    expect(mismatch({ id }, { id: new ObjectId() })).toBeDefined();
    expect(mismatch({ d: new Date(5) }, { d: new Date(5) })).toBeUndefined();
    expect(mismatch({ d: new Date(5) }, { d: 5 })).toBeDefined();
    expect(mismatch({ b: new Binary(Buffer.from('ab')) }, { b: new Binary(Buffer.from('ab')) })).toBeUndefined();
    expect(mismatch({ t: new Timestamp({ t: 1, i: 2 }) }, { t: new Timestamp({ t: 1, i: 3 }) })).toBeDefined();
  });
});

describe('unified matcher: special operators', () => {
  it('recognises operators as single-key objects starting with $$', () => {
    expect(isOperator({ $$exists: true })).toBe(true);
    expect(isOperator({ $exists: true })).toBe(false);
    expect(isOperator({ $$exists: true, other: 1 })).toBe(false);
  });

  it('$$exists checks presence, whatever the value', () => {
    expect(mismatch({ a: { $$exists: true } }, { a: null })).toBeUndefined();
    expect(mismatch({ a: { $$exists: true } }, {})).toMatch(/expected the field to exist/);
    expect(mismatch({ a: { $$exists: false } }, {})).toBeUndefined();
    expect(mismatch({ a: { $$exists: false } }, { a: 1 })).toMatch(/expected no field/);
    expect(mismatch({ x: { a: { $$exists: false } } }, { x: {} })).toBeUndefined();
  });

  it('$$unsetOrMatches accepts an absent value or a match', () => {
    expect(mismatch({ a: { $$unsetOrMatches: 2 } }, {})).toBeUndefined();
    expect(mismatch({ a: { $$unsetOrMatches: 2 } }, { a: 2 })).toBeUndefined();
    expect(mismatch({ a: { $$unsetOrMatches: 2 } }, { a: 3 })).toMatch(/\$\.a: expected 2, got 3/);
    expect(mismatch({ $$unsetOrMatches: { n: 1 } }, undefined)).toBeUndefined();
  });

  it('$$unsetOrMatches keeps the root/nested status of what it wraps', () => {
    expect(mismatch({ $$unsetOrMatches: { n: 1 } }, { n: 1, extra: 1 })).toBeUndefined();
    expect(mismatch({ a: { $$unsetOrMatches: { n: 1 } } }, { a: { n: 1, extra: 1 } })).toMatch(/unexpected field/);
    expect(mismatch({ $$unsetOrMatches: { id: { $$unsetOrMatches: 3 } } }, { ok: 1 })).toBeUndefined();
  });

  it('$$type checks one or several type aliases', () => {
    expect(mismatch({ a: { $$type: 'string' } }, { a: 'x' })).toBeUndefined();
    expect(mismatch({ a: { $$type: ['int', 'long'] } }, { a: Long.fromNumber(3) })).toBeUndefined();
    expect(mismatch({ a: { $$type: 'object' } }, { a: { nested: 1 } })).toBeUndefined();
    expect(mismatch({ a: { $$type: 'object' } }, { a: [1] })).toMatch(/expected type object, got array/);
    expect(mismatch({ a: { $$type: 'int' } }, {})).toMatch(/got nothing/);
    expect(mismatch({ a: { $$type: 'objectId' } }, { a: new ObjectId() })).toBeUndefined();
  });

  it('$$type reads plain JS numbers leniently (their BSON width is lost)', () => {
    expect(typeAliases(3)).toEqual(expect.arrayContaining(['int', 'long', 'double', 'number']));
    expect(typeAliases(2.5)).not.toContain('int');
    expect(typeAliases(new Int32(3))).not.toContain('long');
  });

  it('$$lte compares numbers', () => {
    expect(mismatch({ a: { $$lte: 5 } }, { a: 5 })).toBeUndefined();
    expect(mismatch({ a: { $$lte: 5 } }, { a: 6 })).toBeDefined();
  });

  it('$$matchAsRoot allows extra fields in a nested document', () => {
    expect(mismatch({ a: { $$matchAsRoot: { b: 1 } } }, { a: { b: 1, c: 2 } })).toBeUndefined();
  });

  it('rejects unknown operators loudly', () => {
    expect(() => mismatch({ a: { $$nope: 1 } }, { a: 1 })).toThrow(/unsupported special operator \$\$nope/);
  });
});

describe('unified matcher: collection contents', () => {
  it('compares exactly, with no extra fields even at the root', () => {
    expect(() => assertSameData([{ _id: 1, a: 1 }], [{ a: 1, _id: 1 }])).not.toThrow();
    expect(() => assertSameData([{ _id: 1 }], [{ _id: 1, a: 1 }])).toThrow(/unexpected field/);
    expect(() => assertSameData([{ _id: 1 }], [{ _id: 1 }, { _id: 2 }])).toThrow(/expected 1 element/);
  });

  it('does not interpret $$ keys in stored data', () => {
    expect(() => assertSameData([{ _id: 1, a: { $$exists: true } }], [{ _id: 1, a: 5 }])).toThrow();
  });
});

describe('unified runner: skip rules', () => {
  const file = (extra: Partial<UnifiedSpecFile> = {}): UnifiedSpecFile => ({
    description: 'hand-written',
    schemaVersion: '1.0',
    createEntities: [
      { client: { id: 'c' } },
      { database: { id: 'd', client: 'c', databaseName: 'db' } },
      { collection: { id: 'coll', database: 'd', collectionName: 'x' } },
      { collection: { id: 'quiet', database: 'd', collectionName: 'x', collectionOptions: { writeConcern: { w: 0 } } } },
    ],
    tests: [],
    ...extra,
  });
  const test = (operations: Operation[], extra: Partial<UnifiedTest> = {}): UnifiedTest => ({ description: 't', operations, ...extra });
  const find = (args: Doc = {}): Operation => ({ object: 'coll', name: 'find', arguments: { filter: {}, ...args }, expectResult: [] });

  it('compares versions component by component', () => {
    expect(compareVersions('7.0', '4.4.99')).toBe(1);
    expect(compareVersions('7.0', '7.0.0')).toBe(0);
    expect(compareVersions('7.0', '7.99')).toBe(-1);
    expect(compareVersions('4.0.10', '4.0.9')).toBe(1);
    expect(compareVersions('4.9.0-alpha4-271', '4.9')).toBe(0);
  });

  it('runs a plain test', () => {
    expect(skipReason(file(), test([find()]))).toBeUndefined();
  });

  it('needs one requirement, at file and at test level, to hold for 7.0 standalone', () => {
    expect(skipReason(file({ runOnRequirements: [{ minServerVersion: '8.0' }] }), test([find()]))).toMatch(/>= 8.0/);
    expect(skipReason(file(), test([find()], { runOnRequirements: [{ maxServerVersion: '4.4.99' }] }))).toMatch(/<= 4.4.99/);
    expect(skipReason(file(), test([find()], { runOnRequirements: [{ maxServerVersion: '4.2' }, { minServerVersion: '5.0' }] }))).toBeUndefined();
    expect(skipReason(file({ runOnRequirements: [{ topologies: ['replicaset', 'sharded'] }] }), test([find()]))).toMatch(/topology/);
    expect(skipReason(file({ runOnRequirements: [{ topologies: ['single', 'replicaset'] }] }), test([find()]))).toBeUndefined();
    expect(skipReason(file({ runOnRequirements: [{ serverless: 'forbid' }] }), test([find()]))).toBeUndefined();
    expect(skipReason(file({ runOnRequirements: [{ serverless: 'require' }] }), test([find()]))).toMatch(/serverless/);
    expect(skipReason(file({ runOnRequirements: [{ auth: true }] }), test([find()]))).toMatch(/auth/);
    expect(skipReason(file({ runOnRequirements: [{ csfle: true }] }), test([find()]))).toMatch(/encryption/);
  });

  it('skips out-of-scope options, also inside bulkWrite models', () => {
    expect(skipReason(file(), test([find({ collation: { locale: 'fr' } })]))).toMatch(/collation/);
    expect(skipReason(file(), test([find({ comment: 'x' })]))).toMatch(/comment/);
    const bulk: Operation = { object: 'coll', name: 'bulkWrite', arguments: { requests: [{ deleteOne: { filter: {}, hint: '_id_' } }] } };
    expect(skipReason(file(), test([bulk]))).toMatch(/hint/);
    expect(skipReason(file(), test([find({ filter: { comment: 'a field, not the option' } })]))).toBeUndefined();
  });

  it('skips $out / $merge pipelines, fail points, client bulk writes and unacknowledged writes', () => {
    const agg: Operation = { object: 'coll', name: 'aggregate', arguments: { pipeline: [{ $match: {} }, { $out: 'y' }] } };
    expect(skipReason(file(), test([agg]))).toMatch(/\$out/);
    expect(skipReason(file(), test([{ object: 'testRunner', name: 'failPoint', arguments: {} }, find()]))).toMatch(/failPoint/);
    expect(skipReason(file(), test([{ object: 'c', name: 'clientBulkWrite', arguments: {} }]))).toMatch(/clientBulkWrite/);
    expect(skipReason(file(), test([{ object: 'quiet', name: 'insertOne', arguments: { document: {} } }]))).toMatch(/w: 0/);
  });

  it('skips tests whose only assertions are command events', () => {
    const silent: Operation = { object: 'coll', name: 'find', arguments: { filter: {} } };
    expect(skipReason(file(), test([silent], { expectEvents: [{}] }))).toMatch(/events only/);
    expect(skipReason(file(), test([silent], { expectEvents: [{}], outcome: [] }))).toBeUndefined();
    expect(skipReason(file(), test([silent]))).toBeUndefined();
  });
});

describe('unified runner: argument and URI helpers', () => {
  it('copies arguments deeply but keeps BSON values', () => {
    const id = new ObjectId();
    const args = { documents: [{ _id: id, a: { b: [1] } }] };
    const copy = cloneArguments(args);
    copy.documents[0].a.b.push(2);
    expect(args.documents[0].a.b).toEqual([1]);
    expect(copy.documents[0]._id).toBe(id);
  });

  it('adds URI options to a connection string', () => {
    expect(withUriOptions('mongodb://127.0.0.1:1234', { w: 1 })).toBe('mongodb://127.0.0.1:1234/?w=1');
    expect(withUriOptions('mongodb://h:1/?a=b', { retryWrites: false })).toBe('mongodb://h:1/?a=b&retryWrites=false');
    expect(withUriOptions('mongodb://h:1/db', undefined)).toBe('mongodb://h:1/db');
  });
});
