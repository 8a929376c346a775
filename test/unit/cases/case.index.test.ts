import { CaseIndex } from '../../../src/cases/case.index.js';
import { textTerms } from '../../../src/cases/case.terms.js';
import type { CaseRecord } from '../../../src/cases/case.types.js';

const at = new Date('2026-03-02T08:00:00Z');
function record(id: string, title: string): CaseRecord {
  return {
    id,
    title,
    resolution: 'reset it',
    terms: { title: textTerms(title), body: textTerms('reset it') },
    type: 'incident',
    tier: 'standard',
    departmentId: 'support',
    confidential: false,
    resolvedAt: at,
    standing: 'normal',
    withdrawn: false,
    marks: [],
    createdAt: at,
    updatedAt: at,
  };
}

/** A library held in memory whose stamp reads wait until released, to see which searches share one. */
function library() {
  const state = { version: 1, reads: 0, cases: [record('T-1', 'printer jammed')], pending: [] as Array<() => void> };
  const repo = {
    version: () => {
      state.reads++;
      const seen = state.version;
      return new Promise<number>((resolve) => state.pending.push(() => resolve(seen)));
    },
    searchable: async () => state.cases,
  };
  const release = async () => {
    while (state.pending.length) state.pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { state, repo, release };
}

describe('CaseIndex version reads', () => {
  it('lets searches that start while a stamp read is on its way share it', async () => {
    const { state, repo, release } = library();
    const index = new CaseIndex(repo);
    const searches = Array.from({ length: 5 }, () => index.search('printer', () => true, 3));
    await release();
    const results = await Promise.all(searches);
    expect(state.reads).toBe(1);
    expect(results.map((r) => r.map((h) => h.record.id))).toEqual(Array.from({ length: 5 }, () => ['T-1']));
  });

  it('reads the stamp again for a search that starts after this instance saved a case', async () => {
    const { state, repo, release } = library();
    const index = new CaseIndex(repo);
    const before = index.search('scanner', () => true, 3);
    // Saved here while the first read is still on its way: the next search must not share that read.
    state.cases = [...state.cases, record('T-2', 'scanner offline')];
    state.version = 2;
    index.changed();
    const after = index.search('scanner', () => true, 3);
    await release();
    await release();
    expect(state.reads).toBe(2);
    expect((await after).map((h) => h.record.id)).toEqual(['T-2']);
    await before;
  });
});
