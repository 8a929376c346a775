// One instance's in-memory full-text index of the case library (minisearch),
// built from the terms stored with each case. Before a search it reads the
// library's version stamp; when another instance (or this one) saved a case
// since the index was built, the index is rebuilt from the collection, so every
// instance answers from the same cases.
import MiniSearch, { type SearchResult } from 'minisearch';
import type { CaseRecord, CaseRepository } from './case.types.js';
import { isSpacedScript, textTerms } from './case.terms.js';

/** Stored terms are joined with a character no term contains, and split back when indexed. */
const SEP = '\u0001';

interface IndexedCase {
  id: string;
  title: string;
  body: string;
}

export interface CaseHit {
  record: CaseRecord;
  score: number;
  /** Query terms the case matched. */
  terms: string[];
}

/** Typical cases (典型案例) weigh this much more. */
const TYPICAL_BOOST = 1.5;

function newIndex(): MiniSearch<IndexedCase> {
  return new MiniSearch<IndexedCase>({
    fields: ['title', 'body'],
    storeFields: [],
    // Indexed fields are already segmented and folded: split them back into their terms.
    tokenize: (text) => text.split(SEP),
    processTerm: (term) => term || null,
    searchOptions: {
      tokenize: textTerms,
      processTerm: (term) => term || null,
      boost: { title: 2 },
      combineWith: 'OR',
      // Prefix and typo matching only where words are spelt with letters ("logins", "pasword").
      prefix: (term) => isSpacedScript(term) && term.length >= 4,
      fuzzy: (term) => (isSpacedScript(term) && term.length >= 5 ? 0.2 : false),
    },
  });
}

export class CaseIndex {
  private index = newIndex();
  private records = new Map<string, CaseRecord>();
  private builtFrom = -1;
  private building?: Promise<void>;
  /** The version read in flight, and the local generation it started in. */
  private reading?: { version: Promise<number>; generation: number };
  /** Moved on by `changed()`: a read started before this instance's own save must not stand for after it. */
  private generation = 0;

  constructor(private readonly repo: Pick<CaseRepository, 'version' | 'searchable'>) {}

  /** This instance saved a case: the next search reads the stamp afresh. */
  changed(): void {
    this.generation++;
  }

  /** Rebuilds when the library changed since the last build (one rebuild at a time). */
  async refresh(): Promise<void> {
    const version = await this.currentVersion();
    if (version === this.builtFrom) return;
    this.building ??= this.rebuild(version).finally(() => (this.building = undefined));
    await this.building;
  }

  /**
   * The library's version stamp. Searches that start while a read is on its way share it (under
   * load, one read for many searches): its answer is at most one round trip old, as a read of
   * their own would be — unless this instance saved a case since, then it reads again.
   */
  private currentVersion(): Promise<number> {
    if (this.reading && this.reading.generation === this.generation) return this.reading.version;
    const reading = { version: this.repo.version(), generation: this.generation };
    this.reading = reading;
    const done = () => {
      if (this.reading === reading) this.reading = undefined;
    };
    reading.version.then(done, done);
    return reading.version;
  }

  private async rebuild(version: number): Promise<void> {
    const records = await this.repo.searchable();
    const index = newIndex();
    index.addAll(records.map((r) => ({ id: r.id, title: r.terms.title.join(SEP), body: r.terms.body.join(SEP) })));
    this.index = index;
    this.records = new Map(records.map((r) => [r.id, r]));
    this.builtFrom = version;
  }

  /** Cases matching `text`, best first, among those `visible` allows. */
  async search(text: string, visible: (record: CaseRecord) => boolean, limit: number): Promise<CaseHit[]> {
    await this.refresh();
    if (!textTerms(text).length) return [];
    const results: SearchResult[] = this.index.search(text, {
      filter: (r) => {
        const record = this.records.get(String(r.id));
        return !!record && visible(record);
      },
      boostDocument: (id) => (this.records.get(String(id))?.standing === 'typical' ? TYPICAL_BOOST : 1),
    });
    return results.slice(0, limit).map((r) => ({ record: this.records.get(String(r.id))!, score: r.score, terms: r.queryTerms }));
  }

  /** How many cases the index holds (for tests and stats). */
  get size(): number {
    return this.records.size;
  }
}
