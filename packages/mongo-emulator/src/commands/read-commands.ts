/**
 * find, aggregate (including `$changeStream`), count, distinct. Results are materialized by one
 * synchronous engine call and then served in batches through a registered cursor.
 */
import type { Document } from '../types';
import { ErrorCodes, commandError } from '../types';
import type { FindSpec } from '../engine/engine-api';
import type { ChangeStreamScope } from '../change-streams/change-stream-api';
import type { CommandContext, CommandTable } from './command-context';
import { collectionName, documentField } from './command-fields';
import { ArrayCursor } from './array-cursor';
import { cursorBatchSize, firstBatchReply } from './cursor-reply';
import { optionalInteger } from './numbers';

function find(ctx: CommandContext): Promise<Document> {
  const coll = collectionName(ctx);
  const { command } = ctx;
  const limit = optionalInteger(command, 'limit') ?? 0;
  const spec: FindSpec = {
    filter: documentField(command, 'filter'),
    ...(command.sort ? { sort: command.sort as Document } : {}),
    ...(command.projection ? { projection: command.projection as Document } : {}),
    skip: optionalInteger(command, 'skip') ?? 0,
    limit: Math.abs(limit),
    ...(command.hint !== undefined ? { hint: command.hint as Document | string } : {}),
  };
  const documents = ctx.server.engine.find(ctx.db, coll, spec, ctx.txn);
  const batchSize = optionalInteger(command, 'batchSize');
  // A negative limit is the legacy way of asking for one batch and no cursor.
  const singleBatch = command.singleBatch === true || limit < 0;
  const endKnown =
    (spec.sort !== undefined && Object.keys(spec.sort).length > 0) ||
    (limit !== 0 && documents.length >= Math.abs(limit));
  return firstBatchReply(ctx, new ArrayCursor(`${ctx.db}.${coll}`, documents, endKnown), {
    batchSize: singleBatch && limit < 0 ? Math.abs(limit) : batchSize,
    singleBatch,
  });
}

function isChangeStreamStage(stage: unknown): stage is { $changeStream: Document } {
  return stage !== null && typeof stage === 'object' && '$changeStream' in stage;
}

function aggregate(ctx: CommandContext): Promise<Document> {
  const { command } = ctx;
  const pipeline = command.pipeline;
  if (!Array.isArray(pipeline)) throw commandError(ErrorCodes.TypeMismatch, "'pipeline' must be an array");
  const target = command.aggregate;
  // `aggregate: 1` (an Int32 here, values are not promoted) is a database-level pipeline.
  const coll = typeof target === 'string' ? collectionName(ctx) : null;
  if (command.explain === true) return Promise.resolve({ explainVersion: '1', stages: [], command, ok: 1 });
  if (command.cursor === undefined) {
    throw commandError(
      ErrorCodes.FailedToParse,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const batchSize = cursorBatchSize(command);

  if (isChangeStreamStage(pipeline[0])) {
    const spec = pipeline[0].$changeStream;
    const scope: ChangeStreamScope = {
      db: ctx.db,
      coll,
      allChangesForCluster: spec.allChangesForCluster === true,
    };
    if (scope.allChangesForCluster && (ctx.db !== 'admin' || coll !== null)) {
      throw commandError(
        ErrorCodes.BadValue,
        "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database with {aggregate: 1}",
      );
    }
    const cursor = ctx.server.changeStreams.open(scope, spec, pipeline.slice(1) as Document[]);
    return firstBatchReply(ctx, cursor, { batchSize, tailable: true });
  }

  const documents = ctx.server.engine.aggregate(ctx.db, coll, pipeline as Document[], ctx.txn);
  const ns = coll === null ? `${ctx.db}.$cmd.aggregate` : `${ctx.db}.${coll}`;
  return firstBatchReply(ctx, new ArrayCursor(ns, documents, false), { batchSize });
}

function count(ctx: CommandContext): Document {
  const { command } = ctx;
  const n = ctx.server.engine.count(
    ctx.db,
    collectionName(ctx),
    documentField(command, 'query'),
    optionalInteger(command, 'skip'),
    optionalInteger(command, 'limit'),
    ctx.txn,
  );
  return { n, ok: 1 };
}

function distinct(ctx: CommandContext): Document {
  const key = ctx.command.key;
  if (typeof key !== 'string') throw commandError(ErrorCodes.TypeMismatch, "'key' must be a string");
  const values = ctx.server.engine.distinct(
    ctx.db,
    collectionName(ctx),
    key,
    documentField(ctx.command, 'query'),
    ctx.txn,
  );
  return { values, ok: 1 };
}

export const readCommands: CommandTable = { find, aggregate, count, distinct };

/** Whether a command opens a change stream or reads from one (for ResumableChangeStreamError). */
export function isChangeStreamCommand(ctx: { name: string; command: Document }): boolean {
  return (
    ctx.name === 'aggregate' &&
    Array.isArray(ctx.command.pipeline) &&
    isChangeStreamStage(ctx.command.pipeline[0])
  );
}
