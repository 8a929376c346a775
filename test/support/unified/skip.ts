// Which unified-format tests this runner does not run, and why.
//
// The runner targets one standalone server that answers like MongoDB 7.0,
// without auth, and it checks results and collection contents, not the
// commands the driver sends (command monitoring is not asserted).
import type { Doc, EntityDefinition, Operation, RunOnRequirement, UnifiedSpecFile, UnifiedTest } from './spec-types.js';

export interface ServerProfile {
  /** Version the server is taken to be, e.g. "7.0". */
  version: string;
  /** Unified-format topology name ("single" for a standalone server). */
  topology: string;
}

export const DEFAULT_PROFILE: ServerProfile = { version: '7.0', topology: 'single' };

/** Operations the runner implements (see operations.ts). */
export const SUPPORTED_OPERATIONS = new Set([
  'aggregate', 'bulkWrite', 'count', 'countDocuments', 'estimatedDocumentCount', 'distinct',
  'find', 'findOne', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndUpdate',
  'insertOne', 'insertMany', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany',
  'createIndex', 'dropIndex', 'listIndexes', 'createCollection', 'dropCollection', 'modifyCollection',
  'listCollections', 'runCommand',
]);

/** Options whose server-side behaviour is out of scope for the embedded server's contract. */
const OUT_OF_SCOPE_OPTIONS = ['collation', 'hint', 'let', 'comment', 'rawData', 'timeoutMS'];
const OUT_OF_SCOPE_STAGES = ['$out', '$merge'];

/** Why `test` (from `file`) is skipped, or undefined when it runs. */
export function skipReason(file: UnifiedSpecFile, test: UnifiedTest, profile = DEFAULT_PROFILE): string | undefined {
  return (
    unmetRequirements(file.runOnRequirements, profile) ??
    unmetRequirements(test.runOnRequirements, profile) ??
    (test.skipReason ? `skipped by the spec: ${test.skipReason}` : undefined) ??
    firstDefined(test.operations, (op) => operationGap(op, file.createEntities ?? [])) ??
    (assertsEventsOnly(test) ? 'asserts command-monitoring events only' : undefined)
  );
}

/** Undefined when at least one requirement holds (or none is given); otherwise why not. */
export function unmetRequirements(reqs: RunOnRequirement[] | undefined, profile: ServerProfile): string | undefined {
  if (!reqs || reqs.length === 0) return undefined;
  const gaps = reqs.map((r) => requirementGap(r, profile));
  return gaps.includes(undefined) ? undefined : gaps.join('; or ');
}

function requirementGap(req: RunOnRequirement, profile: ServerProfile): string | undefined {
  if (req.minServerVersion && compareVersions(profile.version, req.minServerVersion) < 0) return `needs server >= ${req.minServerVersion}`;
  if (req.maxServerVersion && compareVersions(profile.version, req.maxServerVersion) > 0) return `needs server <= ${req.maxServerVersion}`;
  if (req.topologies && !req.topologies.includes(profile.topology)) return `needs topology ${req.topologies.join('/')}`;
  if (req.serverless === 'require') return 'needs serverless';
  if (req.auth === true || req.authMechanism) return 'needs auth';
  if (req.csfle) return 'needs client-side encryption';
  if (req.serverParameters) return 'needs server parameters';
  return undefined;
}

/** Numeric, component-wise comparison of "major[.minor[.patch]]" (suffixes ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('-')[0].split('.').map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function operationGap(op: Operation, entities: EntityDefinition[]): string | undefined {
  if (op.object === 'testRunner') return `uses test-runner operation ${op.name} (fail points, event assertions)`;
  if (op.name === 'clientBulkWrite') return 'uses clientBulkWrite';
  if (!SUPPORTED_OPERATIONS.has(op.name)) return `operation ${op.name} is not implemented by the runner`;
  const args = op.arguments ?? {};
  const option = optionsUsed(op).find((o) => OUT_OF_SCOPE_OPTIONS.includes(o));
  if (option) return `uses option ${option}`;
  const stage = pipelineStages(args.pipeline).find((s) => OUT_OF_SCOPE_STAGES.includes(s));
  if (stage) return `uses aggregation stage ${stage}`;
  if (isUnacknowledged(args.writeConcern) || isUnacknowledged(writeConcernOf(op.object, entities))) {
    return 'uses an unacknowledged write concern (w: 0)';
  }
  return undefined;
}

/** Top-level argument names, plus option names inside bulkWrite request models. */
function optionsUsed(op: Operation): string[] {
  const args = op.arguments ?? {};
  const names = Object.keys(args);
  if (op.name === 'bulkWrite' && Array.isArray(args.requests)) {
    for (const request of args.requests as Doc[]) {
      for (const model of Object.values(request)) names.push(...Object.keys(model ?? {}));
    }
  }
  return names;
}

function pipelineStages(pipeline: unknown): string[] {
  return Array.isArray(pipeline) ? pipeline.flatMap((stage: Doc) => Object.keys(stage ?? {})) : [];
}

function isUnacknowledged(writeConcern: unknown): boolean {
  return typeof writeConcern === 'object' && writeConcern !== null && (writeConcern as Doc).w === 0;
}

/** The write concern configured on the entity an operation runs against (collection, database or client). */
function writeConcernOf(id: string, entities: EntityDefinition[]): Doc | undefined {
  for (const e of entities) {
    if (e.collection?.id === id) return e.collection.collectionOptions?.writeConcern ?? writeConcernOf(e.collection.database, entities);
    if (e.database?.id === id) return e.database.databaseOptions?.writeConcern ?? writeConcernOf(e.database.client, entities);
    if (e.client?.id === id) return e.client.uriOptions?.w !== undefined ? { w: e.client.uriOptions.w } : undefined;
  }
  return undefined;
}

/** True when expectEvents is the test's only assertion (no results, errors or outcome checked). */
function assertsEventsOnly(test: UnifiedTest): boolean {
  if (!test.expectEvents || test.outcome) return false;
  return test.operations.every((op) => op.expectResult === undefined && op.expectError === undefined);
}

function firstDefined<T>(items: T[], f: (item: T) => string | undefined): string | undefined {
  for (const item of items) {
    const r = f(item);
    if (r !== undefined) return r;
  }
  return undefined;
}
