/** Databases and collections themselves: create, collMod, drop, dropDatabase, listCollections. */
import { Binary } from 'bson';
import type { CollectionOptions, Document } from '../types';
import type { CommandContext, CommandTable } from './command-context';
import { collectionName, operationOptions } from './command-fields';
import { ArrayCursor } from './array-cursor';
import { cursorBatchSize, firstBatchReply } from './cursor-reply';
import { matchesNameFilter } from './name-filter';

function create(ctx: CommandContext): Document {
  ctx.server.engine.createCollection(
    ctx.db,
    collectionName(ctx),
    operationOptions(ctx.name, ctx.command) as CollectionOptions,
  );
  return { ok: 1 };
}

function collMod(ctx: CommandContext): Document {
  ctx.server.engine.modifyCollection(
    ctx.db,
    collectionName(ctx),
    operationOptions(ctx.name, ctx.command) as CollectionOptions,
  );
  return { ok: 1 };
}

function drop(ctx: CommandContext): Document {
  const coll = collectionName(ctx);
  const { engine } = ctx.server;
  const exists = engine.listCollections(ctx.db).some(info => info.name === coll);
  const nIndexesWas = exists ? engine.listIndexes(ctx.db, coll).length : 0;
  engine.dropCollection(ctx.db, coll);
  // Since 7.0 dropping a missing collection succeeds quietly.
  return exists ? { nIndexesWas, ns: `${ctx.db}.${coll}`, ok: 1 } : { ok: 1 };
}

function dropDatabase(ctx: CommandContext): Document {
  ctx.server.engine.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
}

function listCollections(ctx: CommandContext): Promise<Document> {
  const nameOnly = ctx.command.nameOnly === true;
  const filter = ctx.command.filter as Document | undefined;
  const entries = ctx.server.engine
    .listCollections(ctx.db)
    .filter(info => matchesNameFilter(info.name, filter, { type: 'collection' }))
    .map((info): Document => {
      if (nameOnly) return { name: info.name, type: 'collection' };
      return {
        name: info.name,
        type: 'collection',
        options: info.options,
        info: { readOnly: false, uuid: new Binary(info.uuid, Binary.SUBTYPE_UUID) },
        idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
      };
    });
  const cursor = new ArrayCursor(`${ctx.db}.$cmd.listCollections`, entries);
  return firstBatchReply(ctx, cursor, { batchSize: cursorBatchSize(ctx.command) });
}

export const collectionCommands: CommandTable = { create, collMod, drop, dropDatabase, listCollections };
