// Runs a plan: pulls candidate records from index scans or the whole
// collection, keeps those the full filter matches, and yields them in the
// requested order — lazily, so `limit` stops the scan early when it can.
import type { Collection, Doc } from './collection.js';
import { planQuery, scanRecordIds, type IndexScan, type SortSpec } from './planner.js';
import { compileFilter, Query, MATCH_OPTIONS, type Matcher } from './matcher.js';
import { compareBySortSpec, isPlainObject } from './values.js';
import { ErrorCodes, fail, MongoCommandError } from './errors.js';

export interface FindRequest {
  filter?: Doc;
  sort?: Doc;
  skip?: number;
  limit?: number;
  projection?: Doc;
}

export type Match = [rid: number, doc: Doc];

export function parseSort(raw: unknown): SortSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) fail(ErrorCodes.BadValue, 'sort must be an object');
  const spec: SortSpec = [];
  for (const [field, dir] of Object.entries(raw)) {
    if (isPlainObject(dir)) fail(ErrorCodes.BadValue, `$meta sort on '${field}' is not supported`);
    const n = Number(dir);
    if (n !== 1 && n !== -1) fail(ErrorCodes.BadValue, `bad sort specification: ${field}: ${String(dir)} (use 1 or -1)`);
    spec.push([field, n as 1 | -1]);
  }
  return spec.length ? spec : undefined;
}

/** Matching records in sort order (or natural/index order without a sort). `limitHint` = skip + limit when known. */
export function* matchingRecords(coll: Collection, filter: Doc | undefined, sort?: SortSpec, limitHint?: number): Generator<Match> {
  const query = compileFilter(filter);
  const plan = planQuery(coll.plannerIndexes, coll.count, { filter, sort, limit: limitHint });
  const compare = sort ? compareBySortSpec(sort) : undefined;

  if (plan.kind === 'collscan') {
    const matches: Match[] = [];
    for (const [rid, doc] of coll.docs) {
      if (!query.test(doc)) continue;
      if (compare) matches.push([rid, doc]);
      else yield [rid, doc];
    }
    if (compare) yield* stableSort(matches, compare);
    return;
  }

  const seen = plan.scans.length > 1 || plan.scans.some((s) => s.index.multikey) ? new Set<number>() : undefined;
  if (!compare) {
    for (const scan of plan.scans) yield* scanMatches(coll, scan, query, seen);
    return;
  }
  const sources = plan.scans.map((scan) =>
    scan.providesSort ? scanMatches(coll, scan, query, undefined) : stableSort([...scanMatches(coll, scan, query, undefined)], compare)[Symbol.iterator](),
  );
  yield* mergeSorted(sources, compare, seen);
}

function* scanMatches(coll: Collection, scan: IndexScan, query: Matcher, seen?: Set<number>): Generator<Match> {
  for (const rid of scanRecordIds(scan)) {
    if (seen) {
      if (seen.has(rid)) continue;
      seen.add(rid);
    }
    const doc = coll.docs.get(rid);
    if (doc && query.test(doc)) yield [rid, doc];
  }
}

function stableSort(matches: Match[], compare: (a: unknown, b: unknown) => number): Match[] {
  return matches.sort((a, b) => compare(a[1], b[1]) || a[0] - b[0]);
}

/** k-way merge of sorted sources, skipping records already yielded by another source. */
function* mergeSorted(sources: Iterator<Match>[], compare: (a: unknown, b: unknown) => number, seen?: Set<number>): Generator<Match> {
  const heads = sources.map((s) => s.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h.done) continue;
      if (best < 0 || compare(h.value[1], (heads[best].value as Match)[1]) < 0) best = i;
    }
    if (best < 0) return;
    const match = heads[best].value as Match;
    heads[best] = sources[best].next();
    if (seen && sources.length > 1) {
      if (seen.has(match[0])) continue;
      seen.add(match[0]);
    }
    yield match;
  }
}

/** find semantics: filter, sort, skip, limit (0 = none), projection. */
export function findDocuments(coll: Collection | undefined, req: FindRequest): Doc[] {
  if (!coll) {
    // A bad filter is an error even when there is nothing to match.
    compileFilter(req.filter);
    return [];
  }
  const sort = parseSort(req.sort);
  const skip = Math.max(0, req.skip ?? 0);
  const limit = Math.abs(req.limit ?? 0);
  const out: Doc[] = [];
  let skipped = 0;
  for (const [, doc] of matchingRecords(coll, req.filter, sort, limit ? skip + limit : undefined)) {
    if (skipped < skip) {
      skipped++;
      continue;
    }
    out.push(doc);
    if (limit && out.length >= limit) break;
  }
  return req.projection && Object.keys(req.projection).length ? project(out, req.projection, req.filter) : out;
}

export function countMatches(coll: Collection | undefined, filter: Doc | undefined, skip = 0, limit = 0): number {
  if (!coll) {
    compileFilter(filter);
    return 0;
  }
  if (!filter || Object.keys(filter).length === 0) return Math.max(0, Math.min(coll.count - skip, limit || Infinity));
  let n = 0;
  for (const _match of matchingRecords(coll, filter, undefined, limit ? skip + limit : undefined)) {
    n++;
    if (limit && n >= skip + limit) break;
  }
  return Math.max(0, n - skip);
}

export function project(docs: Doc[], projection: Doc, filter?: Doc): Doc[] {
  try {
    // The filter matters only to positional projections (`a.$`); re-checking it otherwise would drop
    // documents an update just changed (findAndModify returning the new version).
    const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
    return new Query(positional ? (filter ?? {}) : {}, MATCH_OPTIONS).find(docs, projection).all() as Doc[];
  } catch (err) {
    if (err instanceof MongoCommandError) throw err;
    throw new MongoCommandError(31254, `invalid projection: ${(err as Error).message}`);
  }
}
