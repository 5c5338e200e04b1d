/**
 * The `{cursor: {id, ns, firstBatch}, ok: 1}` reply every cursor-returning command shares. The cursor
 * stays registered only while it may return more, so an exhausted result answers with id 0.
 */
import { Long } from 'bson';
import type { Document, ServerCursor } from '../types';
import type { CommandContext } from './command-context';
import { optionalInteger } from './numbers';

/** mongod's first batch when the client names no batchSize. */
export const DEFAULT_FIRST_BATCH = 101;

export interface FirstBatchOptions {
  batchSize?: number;
  singleBatch?: boolean;
  /** Change streams: never exhausted, getMore waits for events. */
  tailable?: boolean;
}

export async function firstBatchReply(
  ctx: CommandContext,
  cursor: ServerCursor,
  options: FirstBatchOptions,
): Promise<Document> {
  // A fresh change stream answers at once; only getMore waits for events.
  const batch = await cursor.next(options.batchSize ?? DEFAULT_FIRST_BATCH, 0);
  let id = 0n;
  if (batch.exhausted || options.singleBatch) {
    cursor.close();
  } else {
    id = ctx.server.cursors.register(cursor, options.tailable ?? false).id;
  }
  return {
    cursor: {
      firstBatch: batch.documents,
      ...(batch.postBatchResumeToken ? { postBatchResumeToken: batch.postBatchResumeToken } : {}),
      id: Long.fromBigInt(id),
      ns: cursor.ns,
    },
    ok: 1,
  };
}

/** `batchSize` of a `cursor: {batchSize}` sub-document (aggregate, listCollections, listIndexes). */
export function cursorBatchSize(command: Document): number | undefined {
  const spec = command.cursor;
  if (spec === null || typeof spec !== 'object') return undefined;
  return optionalInteger(spec as Document, 'batchSize');
}
