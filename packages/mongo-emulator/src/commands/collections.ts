/** Databases and collections themselves: create, collMod, drop, dropDatabase, listCollections. */
import { Binary } from 'bson';
import type { CollectionOptions, Document, Namespace } from '../types';
import { commandError, ErrorCodes, MongoCommandError } from '../types';
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

/** `{renameCollection: 'db.from', to: 'db.to', dropTarget?}`, on admin as mongod requires. */
function renameCollection(ctx: CommandContext): Document {
  if (ctx.db !== 'admin') {
    throw new MongoCommandError(
      13,
      'Unauthorized',
      'renameCollection may only be run against the admin database.',
    );
  }
  const from = namespaceOf(ctx.command.renameCollection, 'renameCollection');
  const to = namespaceOf(ctx.command.to, 'to');
  if (from.db === to.db && from.coll === to.coll) {
    throw commandError(ErrorCodes.IllegalOperation, "Can't rename a collection to itself");
  }
  ctx.server.engine.renameCollection(from, to, ctx.command.dropTarget === true);
  return { ok: 1 };
}

function namespaceOf(value: unknown, field: string): Namespace {
  const dot = typeof value === 'string' ? value.indexOf('.') : -1;
  if (typeof value !== 'string' || dot <= 0 || dot === value.length - 1) {
    throw new MongoCommandError(
      73,
      'InvalidNamespace',
      `Invalid namespace specified '${String(value)}' for ${field}`,
    );
  }
  return { db: value.slice(0, dot), coll: value.slice(dot + 1) };
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

export const collectionCommands: CommandTable = {
  create,
  collMod,
  drop,
  dropDatabase,
  listCollections,
  renameCollection,
};
