// aggregate through mingo. A leading $match (and $sort/$skip/$limit right
// after it) runs through the planner so indexed pipelines do not scan.
import { Aggregator, MATCH_OPTIONS } from '../engine/matcher.js';
import { findDocuments } from '../engine/query-exec.js';
import { ErrorCodes, fail, MongoCommandError } from '../engine/errors.js';
import { isPlainObject } from '../engine/values.js';
import type { CommandContext, CommandTable, Doc } from './context.js';
import { rejectTransactions } from './crud.js';
import { checkCommandFields } from './options.js';

const UNSUPPORTED: Record<string, string> = {
  $out: '$out is not supported by the embedded server',
  $merge: '$merge is not supported by the embedded server',
  $search: '$search needs MongoDB Atlas',
  $vectorSearch: '$vectorSearch needs MongoDB Atlas',
};

function stageName(stage: Doc): string {
  return Object.keys(stage)[0] ?? '';
}

function aggregate(ctx: CommandContext, cmd: Doc): Doc {
  rejectTransactions(cmd);
  if (!Array.isArray(cmd.pipeline)) fail(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
  const pipeline = cmd.pipeline as Doc[];
  if (!pipeline.every(isPlainObject)) fail(ErrorCodes.TypeMismatch, 'Each element of the pipeline array must be an object');
  if (cmd.cursor === undefined && cmd.explain !== true) fail(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  for (const stage of pipeline) {
    const name = stageName(stage);
    if (name === '$changeStream')
      fail(ErrorCodes.ChangeStreamNotSupported, 'The $changeStream stage is only supported on replica sets');
    if (UNSUPPORTED[name]) fail(ErrorCodes.CommandNotSupported, UNSUPPORTED[name]);
  }
  const collName = typeof cmd.aggregate === 'string' ? cmd.aggregate : undefined;
  checkCommandFields('aggregate', cmd, collName ? ctx.catalog.collection(ctx.db, collName) : undefined);
  if (!collName && cmd.aggregate !== 1) fail(ErrorCodes.InvalidNamespace, "aggregate needs a collection name or 1 for a database-level pipeline");

  let rest = pipeline;
  let input: Doc[] = [];
  if (collName) {
    const req: Doc = {};
    let i = 0;
    if (rest[i] && stageName(rest[i]) === '$match') req.filter = rest[i++].$match;
    if (req.filter !== undefined && rest[i] && stageName(rest[i]) === '$sort') req.sort = rest[i++].$sort;
    if (req.sort !== undefined && rest[i] && stageName(rest[i]) === '$limit') req.limit = Number(rest[i++].$limit);
    input = findDocuments(ctx.catalog.collection(ctx.db, collName), req);
    rest = rest.slice(i);
  } else if (rest[0] && stageName(rest[0]) !== '$documents') {
    fail(ErrorCodes.InvalidNamespace, `{aggregate: 1} is not valid for '${stageName(rest[0])}'; a collection name is required.`);
  }

  rest = rest.flatMap(rewriteCount);
  let output: Doc[];
  try {
    output = rest.length
      ? (new Aggregator(rest, {
          ...MATCH_OPTIONS,
          processingMode: 1 /* clone input: stored documents are never mutated */,
          collectionResolver: (name: string) => [...(ctx.catalog.collection(ctx.db, name)?.docs.values() ?? [])],
        }).run(input) as Doc[])
      : input;
  } catch (err) {
    throw translateMingoError(err);
  }
  const batchSize = (cmd.cursor as Doc | undefined)?.batchSize as number | undefined;
  return { cursor: ctx.cursors.open(`${ctx.db}.${collName ?? '$cmd.aggregate'}`, output, batchSize), ok: 1 };
}

/** MongoDB's $count is $group + $project, which yields nothing (not a zero count) on empty input. */
function rewriteCount(stage: Doc): Doc[] {
  if (stageName(stage) === '$count' && typeof stage.$count === 'string') {
    return [{ $group: { _id: null, [stage.$count]: { $sum: 1 } } }, { $project: { _id: 0 } }];
  }
  if (stageName(stage) === '$facet' && isPlainObject(stage.$facet)) {
    const facets = Object.fromEntries(Object.entries(stage.$facet).map(([k, p]) => [k, Array.isArray(p) ? (p as Doc[]).flatMap(rewriteCount) : p]));
    return [{ $facet: facets }];
  }
  return [stage];
}

function translateMingoError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = (err as Error)?.message ?? String(err);
  const stage = /unregistered pipeline operator (\$\w+)/.exec(message);
  if (stage) return new MongoCommandError(ErrorCodes.UnrecognizedPipelineStage, `Unrecognized pipeline stage name: '${stage[1]}'`);
  const expr = /(?:accumulator|operator|expression) '?(\$\w+)'? is not registered|unregistered (?:expression|accumulator) operator (\$\w+)/.exec(message);
  if (expr) return new MongoCommandError(ErrorCodes.InvalidPipelineOperator, `Unrecognized expression '${expr[1] ?? expr[2]}'`);
  return new MongoCommandError(ErrorCodes.BadValue, `PlanExecutor error during aggregation :: caused by :: ${message}`);
}

export const aggregateCommands: CommandTable = { aggregate };
