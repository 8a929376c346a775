// CRUD spec tests (see crud-spec.test.ts) that the embedded server does not
// pass yet. Each runs as `it.failing` against the embedded server, so a test
// that starts passing fails the suite until its entry is removed here.
// One line per entry, in our own words: { file, test (its description), reason }.
// Not applied when MONGODB_URI points the suite at a real MongoDB.

export interface KnownGap {
  file: string;
  test: string;
  reason: string;
}

export const KNOWN_GAPS: KnownGap[] = [
  { file: 'db-aggregate.json', test: 'Aggregate with $listLocalSessions', reason: 'database-level aggregate ({aggregate: 1}) with $listLocalSessions is refused (InvalidNamespace)' },
  { file: 'db-aggregate.json', test: 'Aggregate with $listLocalSessions and allowDiskUse', reason: 'database-level aggregate ({aggregate: 1}) with $listLocalSessions is refused (InvalidNamespace)' },
  { file: 'estimatedDocumentCount.json', test: 'estimatedDocumentCount works correctly on views', reason: 'views are not supported: create with viewOn fails (CommandNotSupported)' },
  { file: 'findOneAndUpdate-errorResponse.json', test: 'findOneAndUpdate document validation errInfo is accessible', reason: 'collMod is not implemented, and stored validators are not enforced' },
];
