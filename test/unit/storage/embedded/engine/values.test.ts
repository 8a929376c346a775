import { describe, it, expect } from '@jest/globals';
import { Long, MaxKey, MinKey, ObjectId } from 'bson';
import { compareValues, hashKey, getPath, sortKeyOf, BracketEdge, compareBound } from '../../../../../src/storage/embedded/engine/values.js';

describe('compareValues', () => {
  it('orders types as MongoDB does', () => {
    const ordered = [new MinKey(), null, 1, 'a', { a: 1 }, [1], new ObjectId('000000000000000000000001'), false, new Date(0), /x/, new MaxKey()];
    for (let i = 0; i < ordered.length - 1; i++) expect(compareValues(ordered[i], ordered[i + 1])).toBe(-1);
  });

  it('treats numeric types as one type', () => {
    expect(compareValues(1, Long.fromNumber(1))).toBe(0);
    expect(compareValues(2.5, Long.fromNumber(2))).toBe(1);
    expect(compareValues(NaN, -Infinity)).toBe(-1);
  });

  it('compares documents field by field, names included', () => {
    expect(compareValues({ a: 1, b: 2 }, { a: 1, b: 3 })).toBe(-1);
    expect(compareValues({ a: 1 }, { b: 1 })).toBe(-1);
    expect(compareValues({ a: 1 }, { a: 1, b: 0 })).toBe(-1);
  });
});

describe('hashKey', () => {
  it('hashes equal values alike and different values apart', () => {
    expect(hashKey(1)).toBe(hashKey(Long.fromNumber(1)));
    expect(hashKey(0)).toBe(hashKey(-0));
    expect(hashKey('1')).not.toBe(hashKey(1));
    expect(hashKey({ a: 1, b: 2 })).not.toBe(hashKey({ b: 2, a: 1 }));
    const id = new ObjectId();
    expect(hashKey(id)).toBe(hashKey(new ObjectId(id.toHexString())));
    expect(hashKey(null)).toBe(hashKey(undefined));
  });
});

describe('paths and sort keys', () => {
  it('reads dotted paths through arrays', () => {
    const doc = { a: [{ b: 1 }, { b: [2, 3] }, { c: 1 }], x: { y: 5 } };
    expect(getPath(doc, 'a.b')).toEqual([1, 2, 3]);
    expect(getPath(doc, 'x.y')).toBe(5);
    expect(getPath(doc, 'a.1.b')).toEqual([2, 3]);
    expect(getPath(doc, 'nope.deeper')).toBeUndefined();
  });

  it('sorts arrays by their smallest element ascending and largest descending', () => {
    const doc = { n: [5, 1, 9] };
    expect(sortKeyOf(doc, 'n', 1)).toBe(1);
    expect(sortKeyOf(doc, 'n', -1)).toBe(9);
    expect(sortKeyOf({}, 'n', 1)).toBeNull();
  });
});

describe('type bracket edges', () => {
  it('sit just outside every value of their type', () => {
    const top = new BracketEdge(3, 1);
    const bottom = new BracketEdge(3, -1);
    expect(compareBound(Number.MAX_VALUE, top)).toBe(-1);
    expect(compareBound('a', top)).toBe(1);
    expect(compareBound(-Infinity, bottom)).toBe(1);
    expect(compareBound(null, bottom)).toBe(-1);
  });
});
