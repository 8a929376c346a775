// Shapes of a test file in MongoDB's "unified test format", as far as this
// runner reads them. Written from the format's published description; the
// test files themselves live outside the repository (see unified-runner.ts).
//
// Values are kept loose (`Doc`, `unknown`) on purpose: the files are parsed as
// Extended JSON and may hold any BSON value.

export type Doc = Record<string, any>;

export interface RunOnRequirement {
  minServerVersion?: string;
  maxServerVersion?: string;
  topologies?: string[];
  serverless?: 'require' | 'forbid' | 'allow';
  auth?: boolean;
  authMechanism?: string;
  csfle?: boolean | Doc;
  serverParameters?: Doc;
  [other: string]: unknown;
}

export interface ClientEntity {
  id: string;
  uriOptions?: Doc;
  useMultipleMongoses?: boolean;
  observeEvents?: string[];
  [other: string]: unknown;
}

export interface DatabaseEntity {
  id: string;
  client: string;
  databaseName: string;
  databaseOptions?: Doc;
}

export interface CollectionEntity {
  id: string;
  database: string;
  collectionName: string;
  collectionOptions?: Doc;
}

export interface SessionEntity {
  id: string;
  client: string;
  sessionOptions?: Doc;
}

/** One element of `createEntities`: a single-key object naming the entity type. */
export interface EntityDefinition {
  client?: ClientEntity;
  database?: DatabaseEntity;
  collection?: CollectionEntity;
  session?: SessionEntity;
  [otherType: string]: unknown;
}

export interface CollectionData {
  collectionName: string;
  databaseName: string;
  createOptions?: Doc;
  documents: Doc[];
}

export interface ExpectedError {
  isError?: boolean;
  isClientError?: boolean;
  isTimeoutError?: boolean;
  errorContains?: string;
  errorCode?: number;
  errorCodeName?: string;
  errorLabelsContain?: string[];
  errorLabelsOmit?: string[];
  errorResponse?: Doc;
  expectResult?: unknown;
  writeErrors?: Doc;
  writeConcernErrors?: Doc[];
}

export interface Operation {
  object: string;
  name: string;
  arguments?: Doc;
  expectResult?: unknown;
  expectError?: ExpectedError;
  saveResultAsEntity?: string;
  ignoreResultAndError?: boolean;
}

export interface UnifiedTest {
  description: string;
  runOnRequirements?: RunOnRequirement[];
  skipReason?: string;
  operations: Operation[];
  expectEvents?: unknown[];
  outcome?: CollectionData[];
}

export interface UnifiedSpecFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: RunOnRequirement[];
  createEntities?: EntityDefinition[];
  initialData?: CollectionData[];
  tests: UnifiedTest[];
}
