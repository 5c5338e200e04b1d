/** createIndexes, listIndexes, dropIndexes. */
import type { Document } from '../types';
import { ErrorCodes, commandError } from '../types';
import type { IndexSpec } from '../engine/engine-api';
import type { CommandContext, CommandTable } from './command-context';
import { collectionName } from './command-fields';
import { ArrayCursor } from './array-cursor';
import { cursorBatchSize, firstBatchReply } from './cursor-reply';

function createIndexes(ctx: CommandContext): Document {
  const specs = ctx.command.indexes;
  if (!Array.isArray(specs) || specs.length === 0)
    throw commandError(ErrorCodes.BadValue, "'indexes' must be a non-empty array");
  for (const spec of specs as Document[]) {
    if (
      spec === null ||
      typeof spec !== 'object' ||
      typeof spec.key !== 'object' ||
      typeof spec.name !== 'string'
    ) {
      throw commandError(ErrorCodes.BadValue, "every index needs a 'key' document and a 'name'");
    }
  }
  const result = ctx.server.engine.createIndexes(ctx.db, collectionName(ctx), specs as IndexSpec[]);
  const unchanged = result.numIndexesBefore === result.numIndexesAfter;
  return { ...result, ...(unchanged ? { note: 'all indexes already exist' } : {}), ok: 1 };
}

function listIndexes(ctx: CommandContext): Promise<Document> {
  const coll = collectionName(ctx);
  const { engine } = ctx.server;
  if (!engine.listCollections(ctx.db).some(info => info.name === coll)) {
    throw commandError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${coll}`);
  }
  const specs = engine.listIndexes(ctx.db, coll).map(spec => ({ v: 2, ...spec }));
  return firstBatchReply(ctx, new ArrayCursor(`${ctx.db}.${coll}`, specs), {
    batchSize: cursorBatchSize(ctx.command),
  });
}

function dropIndexes(ctx: CommandContext): Document {
  const index = ctx.command.index;
  if (typeof index !== 'string' && (index === null || typeof index !== 'object')) {
    throw commandError(ErrorCodes.BadValue, "'index' must be a name, an array of names or a key document");
  }
  const nIndexesWas = ctx.server.engine.dropIndexes(
    ctx.db,
    collectionName(ctx),
    index as string | string[] | Document,
  );
  return { nIndexesWas, ok: 1 };
}

export const indexCommands: CommandTable = { createIndexes, listIndexes, dropIndexes };
