// Our runner for MongoDB's CRUD specification tests, written in MongoDB's
// "unified test format" (JSON). It shares no code with MongoDB's drivers or
// their test runners: it reads the format as published and drives the
// official `mongodb` driver against the server under test.
//
// The test files are NOT part of this repository (their licence is
// non-commercial share-alike): they are read at run time from
// `<repo>/../shared/mongo-spec/crud`, or from $MONGO_SPEC_CRUD_DIR, and
// suites using this runner are skipped when that folder is absent.
//
// Scope: one standalone server taken to be MongoDB 7.0; results, errors and
// collection contents are checked; command monitoring is not (see
// unified/skip.ts for what is skipped).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EJSON } from 'bson';
import type { MongoClient, MongoClientOptions } from 'mongodb';
import { EntityMap } from './unified/entities.js';
import { checkExpectedError, describeError } from './unified/errors.js';
import { assertMatches, assertSameData, MatchError, show } from './unified/matcher.js';
import { cloneArguments, executeOperation, resultLevel } from './unified/operations.js';
import { DEFAULT_PROFILE, skipReason, type ServerProfile } from './unified/skip.js';
import type { CollectionData, Operation, UnifiedSpecFile, UnifiedTest } from './unified/spec-types.js';

export type { UnifiedSpecFile, UnifiedTest } from './unified/spec-types.js';
export { skipReason } from './unified/skip.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The CRUD spec test folder, or undefined when it is not on this machine. */
export function crudSpecDirectory(): string | undefined {
  const dir = process.env.MONGO_SPEC_CRUD_DIR ?? path.join(repoRoot, '..', 'shared', 'mongo-spec', 'crud');
  return existsSync(dir) ? dir : undefined;
}

const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);

export interface LoadedSpec {
  /** File name, e.g. "find.json". */
  file: string;
  spec: UnifiedSpecFile;
}

/** Parses every `*.json` file of `dir` (as relaxed Extended JSON), sorted by name. */
export function loadSpecFiles(dir: string): LoadedSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, spec: EJSON.parse(readFileSync(path.join(dir, file), 'utf8'), { relaxed: true }) as UnifiedSpecFile }));
}

export interface PlannedTest {
  description: string;
  test: UnifiedTest;
  /** Why the test is not run; undefined when it runs. */
  skip?: string;
}

/** Each test of a file with its skip decision. */
export function planTests(spec: UnifiedSpecFile, profile: ServerProfile = DEFAULT_PROFILE): PlannedTest[] {
  const schemaGap = spec.schemaVersion.split('.')[0] === '1' ? undefined : `schema version ${spec.schemaVersion} not supported`;
  return spec.tests.map((test) => ({ description: test.description, test, skip: schemaGap ?? skipReason(spec, test, profile) }));
}

export interface RunnerOptions {
  uri: string;
  /** Client used for setup and for reading `outcome` (the format's "internal client"). */
  internalClient: MongoClient;
  /** Maps a database name of the spec file to the name used on the server (not applied to admin, config, local). */
  databaseName(specName: string): string;
  clientOptions?: MongoClientOptions;
}

export class UnifiedRunner {
  constructor(private readonly options: RunnerOptions) {}

  /** Runs one test: fresh databases, initial data, entities, operations, outcome. Throws on any mismatch. */
  async runTest(spec: UnifiedSpecFile, test: UnifiedTest): Promise<void> {
    await this.dropDatabases(spec);
    for (const data of spec.initialData ?? []) await this.seed(data);
    const entities = new EntityMap();
    try {
      const { uri, clientOptions } = this.options;
      await entities.create(spec.createEntities ?? [], { uri, clientOptions, databaseName: (n) => this.databaseName(n) });
      for (const [i, op] of test.operations.entries()) await this.runOperation(op, i, entities);
    } finally {
      await entities.close();
    }
    for (const data of test.outcome ?? []) await this.checkOutcome(data);
  }

  /**
   * Drops every database the file names (entities, initial data, outcomes);
   * in a system database (admin, config, local) only the file's collections.
   */
  async dropDatabases(spec: UnifiedSpecFile): Promise<void> {
    for (const name of databaseNames(spec)) {
      if (!SYSTEM_DATABASES.has(name)) await this.db(name).dropDatabase();
    }
    for (const data of [...(spec.initialData ?? []), ...spec.tests.flatMap((t) => t.outcome ?? [])]) {
      if (SYSTEM_DATABASES.has(data.databaseName)) await this.db(data.databaseName).dropCollection(data.collectionName);
    }
  }

  /** The server-side name of a database named in the file (system databases keep their names). */
  databaseName(specName: string): string {
    return SYSTEM_DATABASES.has(specName) ? specName : this.options.databaseName(specName);
  }

  private db(specName: string) {
    return this.options.internalClient.db(this.databaseName(specName));
  }

  private async seed(data: CollectionData): Promise<void> {
    const db = this.db(data.databaseName);
    const majority = { writeConcern: { w: 'majority' as const } };
    if (data.createOptions || data.documents.length === 0) {
      await db.createCollection(data.collectionName, { ...data.createOptions, ...majority });
    }
    if (data.documents.length > 0) {
      await db.collection(data.collectionName).insertMany(cloneArguments(data.documents), majority);
    }
  }

  private async runOperation(op: Operation, index: number, entities: EntityMap): Promise<void> {
    const where = `operation #${index + 1} ${op.object}.${op.name}(${show(op.arguments ?? {})})`;
    let result: unknown;
    let error: unknown;
    try {
      result = await executeOperation(op, entities);
    } catch (err) {
      error = err;
    }
    if (op.expectError) {
      if (error === undefined) throw new MatchError(`${where}: expected an error, got result ${show(result)}`);
      try {
        checkExpectedError(error, op.expectError);
      } catch (err) {
        throw prefixed(where, err);
      }
      return;
    }
    if (error !== undefined) {
      if (op.ignoreResultAndError) return;
      throw new MatchError(`${where}: failed unexpectedly: ${describeError(error)}`);
    }
    if (op.expectResult !== undefined) {
      try {
        assertMatches(op.expectResult, result, { level: resultLevel(op), entity: (name) => entities.get(name) });
      } catch (err) {
        throw prefixed(where, err, ` (whole result ${show(result)})`);
      }
    }
    if (op.saveResultAsEntity) entities.set(op.saveResultAsEntity, result);
  }

  private async checkOutcome(data: CollectionData): Promise<void> {
    const docs = await this.db(data.databaseName)
      .collection(data.collectionName)
      .find({}, { sort: { _id: 1 }, readConcern: { level: 'local' } })
      .toArray();
    try {
      assertSameData(data.documents, docs);
    } catch (err) {
      throw prefixed(`outcome of ${data.databaseName}.${data.collectionName}`, err, ` (collection holds ${show(docs)})`);
    }
  }
}

function prefixed(where: string, err: unknown, suffix = ''): unknown {
  return err instanceof MatchError ? new MatchError(`${where}: ${err.message}${suffix}`) : err;
}

function databaseNames(spec: UnifiedSpecFile): Set<string> {
  const names = new Set<string>();
  for (const e of spec.createEntities ?? []) if (e.database) names.add(e.database.databaseName);
  for (const d of spec.initialData ?? []) names.add(d.databaseName);
  for (const t of spec.tests) for (const d of t.outcome ?? []) names.add(d.databaseName);
  return names;
}
