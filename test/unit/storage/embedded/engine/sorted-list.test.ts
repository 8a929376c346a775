import { describe, it, expect } from '@jest/globals';
import { SortedList } from '../../../../../src/storage/embedded/engine/sorted-list.js';

const numbers = () => new SortedList<number>((a, b) => a - b);

describe('SortedList', () => {
  it('keeps items ordered across many chunk splits and reports exact ranks', () => {
    const list = numbers();
    const values = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    for (const v of values) list.insert(v);
    expect(list.size).toBe(5000);
    expect([...list.range(list.start(), list.end())]).toEqual([...values].sort((a, b) => a - b));
    const pos = list.lowerBound((x) => x - 1234);
    expect(list.rank(pos)).toBe(1234);
  });

  it('finds bounds for a value range and iterates it in both directions', () => {
    const list = numbers();
    for (let i = 0; i < 2000; i++) list.insert(i % 100);
    const from = list.lowerBound((x) => x - 10);
    const to = list.upperBound((x) => x - 12);
    expect(list.rank(to) - list.rank(from)).toBe(60);
    const forward = [...list.range(from, to)];
    expect(forward[0]).toBe(10);
    expect(forward[forward.length - 1]).toBe(12);
    expect([...list.range(from, to, true)]).toEqual([...forward].reverse());
  });

  it('removes exactly the item that compares equal and leaves the rest', () => {
    const list = numbers();
    for (let i = 0; i < 1500; i++) list.insert(i);
    for (let i = 0; i < 1500; i += 2) expect(list.remove(i)).toBe(true);
    expect(list.remove(2)).toBe(false);
    expect(list.size).toBe(750);
    expect([...list.range(list.start(), list.end())].every((x) => x % 2 === 1)).toBe(true);
  });

  it('handles an emptied list', () => {
    const list = numbers();
    list.insert(1);
    list.remove(1);
    expect([...list.range(list.start(), list.end())]).toEqual([]);
    expect(list.rank(list.lowerBound((x) => x - 5))).toBe(0);
  });
});
