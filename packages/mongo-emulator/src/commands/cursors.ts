/** getMore and killCursors: draining and releasing what find/aggregate/change streams opened. */
import { Long } from 'bson';
import type { Document } from '../types';
import { ErrorCodes, commandError } from '../types';
import type { CommandContext, CommandTable } from './command-context';
import { failGetMoreAfterCheckout } from './fail-points';
import { optionalInteger, toBigInt } from './numbers';

/** How long a change stream getMore waits for events when the driver sets no maxAwaitTimeMS. */
const DEFAULT_AWAIT_MS = 1000;

/** With no batchSize, getMore returns everything left (ArrayCursor still caps a batch at 16 MB). */
const UNBOUNDED_BATCH = Number.MAX_SAFE_INTEGER;

async function getMore(ctx: CommandContext): Promise<Document> {
  const id = toBigInt(ctx.command.getMore);
  if (id === undefined) throw commandError(ErrorCodes.TypeMismatch, "Field 'getMore' must be of type long");
  const { cursors } = ctx.server;
  const entry = cursors.checkOut(id);
  try {
    failGetMoreAfterCheckout(ctx);
    const batchSize = optionalInteger(ctx.command, 'batchSize');
    const awaitMs = entry.tailable ? (optionalInteger(ctx.command, 'maxTimeMS') ?? DEFAULT_AWAIT_MS) : 0;
    const batch = await entry.cursor.next(batchSize && batchSize > 0 ? batchSize : UNBOUNDED_BATCH, awaitMs);
    // A change stream ends only by invalidate (drop, rename...); then, as on MongoDB, its id goes to 0.
    const done = batch.exhausted;
    if (done) cursors.kill(id);
    return {
      cursor: {
        nextBatch: batch.documents,
        ...(batch.postBatchResumeToken ? { postBatchResumeToken: batch.postBatchResumeToken } : {}),
        id: Long.fromBigInt(done ? 0n : id),
        ns: entry.cursor.ns,
      },
      ok: 1,
    };
  } finally {
    cursors.release(entry);
  }
}

function killCursors(ctx: CommandContext): Document {
  const ids = ctx.command.cursors;
  if (!Array.isArray(ids)) throw commandError(ErrorCodes.TypeMismatch, "Field 'cursors' must be an array");
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of ids) {
    const id = toBigInt(raw);
    if (id === undefined) throw commandError(ErrorCodes.TypeMismatch, "Field 'cursors' must hold longs");
    (ctx.server.cursors.kill(id) ? killed : notFound).push(Long.fromBigInt(id));
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

export const cursorCommands: CommandTable = { getMore, killCursors };
