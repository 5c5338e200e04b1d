/**
 * insert, update, delete, findAndModify: wire documents in, MongoDB's write reply shapes out. Each is
 * exactly one synchronous engine call, which is what makes it atomic against every other client.
 */
import type { Document, WriteError } from '../types';
import { ErrorCodes, commandError } from '../types';
import type { DeleteStatement, FindAndModifySpec, UpdateStatement, WriteOptions } from '../engine/engine-api';
import type { CommandContext, CommandTable } from './command-context';
import { collectionName } from './command-fields';
import { toNumber } from './numbers';

function writeOptions(ctx: CommandContext): WriteOptions {
  return { ordered: ctx.command.ordered !== false, txn: ctx.txn };
}

function statements(ctx: CommandContext, field: string): Document[] {
  const value = ctx.command[field];
  if (!Array.isArray(value))
    throw commandError(
      ErrorCodes.FailedToParse,
      `BSON field '${ctx.name}.${field}' is missing or not an array`,
    );
  for (const item of value) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw commandError(ErrorCodes.TypeMismatch, `every element of '${field}' must be a document`);
    }
  }
  return value as Document[];
}

/** mongod omits writeErrors when there are none; drivers treat its presence as a failure. */
function withWriteErrors(reply: Document, writeErrors: WriteError[]): Document {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

function insert(ctx: CommandContext): Document {
  const docs = statements(ctx, 'documents');
  const result = ctx.server.engine.insert(ctx.db, collectionName(ctx), docs, writeOptions(ctx));
  return withWriteErrors({ n: result.n }, result.writeErrors);
}

function toUpdateStatement(raw: Document): UpdateStatement {
  const u = raw.u;
  if (u === null || typeof u !== 'object')
    throw commandError(ErrorCodes.FailedToParse, "an update statement needs 'u'");
  return {
    q: (raw.q ?? {}) as Document,
    u: u as Document | Document[],
    multi: raw.multi === true,
    upsert: raw.upsert === true,
    ...(Array.isArray(raw.arrayFilters) ? { arrayFilters: raw.arrayFilters as Document[] } : {}),
    ...(raw.hint !== undefined ? { hint: raw.hint as Document | string } : {}),
  };
}

function update(ctx: CommandContext): Document {
  const updates = statements(ctx, 'updates').map(toUpdateStatement);
  const result = ctx.server.engine.update(ctx.db, collectionName(ctx), updates, writeOptions(ctx));
  const reply: Document = { n: result.n, nModified: result.nModified };
  if (result.upserted.length > 0) reply.upserted = result.upserted;
  return withWriteErrors(reply, result.writeErrors);
}

function toDeleteStatement(raw: Document): DeleteStatement {
  const limit = toNumber(raw.limit);
  if (limit !== 0 && limit !== 1)
    throw commandError(ErrorCodes.FailedToParse, "a delete statement's 'limit' must be 0 or 1");
  return { q: (raw.q ?? {}) as Document, limit };
}

function deleteCommand(ctx: CommandContext): Document {
  const deletes = statements(ctx, 'deletes').map(toDeleteStatement);
  const result = ctx.server.engine.delete(ctx.db, collectionName(ctx), deletes, writeOptions(ctx));
  return withWriteErrors({ n: result.n }, result.writeErrors);
}

function findAndModify(ctx: CommandContext): Document {
  const { command } = ctx;
  if (command.remove !== true && (command.update === undefined || command.update === null)) {
    throw commandError(ErrorCodes.FailedToParse, "findAndModify needs either 'update' or 'remove: true'");
  }
  const spec: FindAndModifySpec = {
    query: command.query as Document | undefined,
    sort: command.sort as Document | undefined,
    remove: command.remove === true,
    update: command.update as Document | Document[] | undefined,
    new: command.new === true,
    fields: command.fields as Document | undefined,
    upsert: command.upsert === true,
    arrayFilters: command.arrayFilters as Document[] | undefined,
  };
  const result = ctx.server.engine.findAndModify(ctx.db, collectionName(ctx), spec, ctx.txn);
  return { lastErrorObject: result.lastErrorObject, value: result.value, ok: 1 };
}

export const writeCommands: CommandTable = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
  findandmodify: findAndModify,
};
