// An ordered multiset kept as a list of small sorted chunks: O(log n) search,
// cheap inserts and removals (a chunk splice, not a 100k-element one), and
// ranks for exact interval counts, which the planner uses to pick an index.
const MAX_CHUNK = 512;

export interface Position {
  chunk: number;
  index: number;
}

export class SortedList<T> {
  private chunks: T[][] = [[]];
  private total = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.total;
  }

  insert(item: T): void {
    const pos = this.lowerBound((x) => this.compare(x, item));
    const chunk = this.chunks[pos.chunk];
    chunk.splice(pos.index, 0, item);
    this.total++;
    if (chunk.length > MAX_CHUNK) {
      const tail = chunk.splice(MAX_CHUNK >> 1);
      this.chunks.splice(pos.chunk + 1, 0, tail);
    }
  }

  /** Removes the item comparing equal to `item` (the comparator must identify entries uniquely). */
  remove(item: T): boolean {
    const pos = this.lowerBound((x) => this.compare(x, item));
    const chunk = this.chunks[pos.chunk];
    if (pos.index >= chunk.length || this.compare(chunk[pos.index], item) !== 0) return false;
    chunk.splice(pos.index, 1);
    this.total--;
    if (chunk.length === 0 && this.chunks.length > 1) this.chunks.splice(pos.chunk, 1);
    return true;
  }

  clear(): void {
    this.chunks = [[]];
    this.total = 0;
  }

  /** First position whose item is not below the probe (`probe(x) < 0` means x sorts before the target). */
  lowerBound(probe: (x: T) => number): Position {
    return this.bound((x) => probe(x) < 0);
  }

  /** First position whose item sorts after the probe. */
  upperBound(probe: (x: T) => number): Position {
    return this.bound((x) => probe(x) <= 0);
  }

  private bound(isBefore: (x: T) => boolean): Position {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    // Find the first chunk whose last item is not before the target.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = chunks[mid];
      if (c.length && isBefore(c[c.length - 1])) lo = mid + 1;
      else hi = mid;
    }
    const c = chunks[lo];
    let a = 0;
    let b = c.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (isBefore(c[mid])) a = mid + 1;
      else b = mid;
    }
    return { chunk: lo, index: a };
  }

  rank(pos: Position): number {
    let r = pos.index;
    for (let i = 0; i < pos.chunk; i++) r += this.chunks[i].length;
    return r;
  }

  /** Items in [from, to) in order, or in reverse order when `reverse`. */
  *range(from: Position, to: Position, reverse = false): Generator<T> {
    const chunks = this.chunks;
    if (!reverse) {
      let c = from.chunk;
      let i = from.index;
      while (c < to.chunk || (c === to.chunk && i < to.index)) {
        if (i >= chunks[c].length) {
          c++;
          i = 0;
          if (c >= chunks.length) return;
          continue;
        }
        yield chunks[c][i++];
      }
    } else {
      let c = to.chunk;
      let i = to.index - 1;
      while (c > from.chunk || (c === from.chunk && i >= from.index)) {
        if (i < 0) {
          c--;
          if (c < 0) return;
          i = chunks[c].length - 1;
          continue;
        }
        yield chunks[c][i--];
      }
    }
  }

  start(): Position {
    return { chunk: 0, index: 0 };
  }

  end(): Position {
    const last = this.chunks.length - 1;
    return { chunk: last, index: this.chunks[last].length };
  }
}
