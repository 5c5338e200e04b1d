/**
 * Multi-document transactions as drivers drive them: the first command of a transaction carries
 * `lsid`, `txnNumber`, `startTransaction: true`, `autocommit: false`; the following ones only `lsid`,
 * `txnNumber`, `autocommit: false`; then `commitTransaction` or `abortTransaction` on admin.
 */
import type { Binary } from 'bson';
import type { Document, TxnRef } from '../types';
import { ErrorCodes, MongoCommandError, commandError } from '../types';
import type { Engine } from '../engine/engine-api';
import type { CommandContext, CommandTable } from './command-context';
import { toBigInt } from './numbers';

/** Commands that end a transaction: they name it but must not require it to be open. */
export const TRANSACTION_END_COMMANDS: ReadonlySet<string> = new Set([
  'commitTransaction',
  'abortTransaction',
]);

/** Hex of the lsid's UUID bytes: stable per logical session, whatever connection it arrives on. */
export function sessionKeyOf(lsid: unknown): string | undefined {
  const id = lsid !== null && typeof lsid === 'object' ? (lsid as Document).id : undefined;
  if (id === null || typeof id !== 'object' || (id as { _bsontype?: string })._bsontype !== 'Binary')
    return undefined;
  const binary = id as Binary;
  return Buffer.from(binary.buffer.subarray(0, binary.position)).toString('hex');
}

/** mongod 7.0's txnCmdAllowlist: anything else in a transaction is OperationNotSupportedInTransaction (263). */
const TRANSACTION_COMMANDS: ReadonlySet<string> = new Set([
  'aggregate',
  'bulkWrite',
  'create',
  'createIndexes',
  'delete',
  'distinct',
  'find',
  'findAndModify',
  'findandmodify',
  'getMore',
  'insert',
  'killCursors',
  'update',
]);

function txnRefOf(command: Document): TxnRef {
  const sessionKey = sessionKeyOf(command.lsid);
  const txnNumber = toBigInt(command.txnNumber);
  if (sessionKey === undefined || txnNumber === undefined) {
    throw commandError(ErrorCodes.BadValue, 'a transaction needs both lsid and txnNumber');
  }
  return { sessionKey, txnNumber };
}

/**
 * The transaction a command runs in, opening it on `startTransaction`. Undefined when the command is
 * not part of one (no `autocommit: false`). Must run right before the handler, with no await between,
 * so the engine sees the start and the command's own work as one step.
 */
export function resolveTransaction(engine: Engine, name: string, command: Document): TxnRef | undefined {
  if (command.autocommit !== false || TRANSACTION_END_COMMANDS.has(name)) return undefined;
  if (!TRANSACTION_COMMANDS.has(name)) {
    throw new MongoCommandError(
      263,
      'OperationNotSupportedInTransaction',
      `Cannot run '${name}' in a multi-document transaction.`,
    );
  }
  const txn = txnRefOf(command);
  if (command.startTransaction === true) {
    engine.startTransaction(txn);
  } else if (!engine.inTransaction(txn)) {
    throw new MongoCommandError(
      ErrorCodes.NoSuchTransaction.code,
      ErrorCodes.NoSuchTransaction.codeName,
      `Transaction with { txnNumber: ${txn.txnNumber} } has been aborted or was never started`,
      {},
      ['TransientTransactionError'],
    );
  }
  return txn;
}

function commitTransaction(ctx: CommandContext): Document {
  ctx.server.engine.commitTransaction(txnRefOf(ctx.command));
  return { ok: 1 };
}

function abortTransaction(ctx: CommandContext): Document {
  ctx.server.engine.abortTransaction(txnRefOf(ctx.command));
  return { ok: 1 };
}

function endSessions(ctx: CommandContext): Document {
  const sessions = ctx.command.endSessions;
  const keys = Array.isArray(sessions)
    ? sessions.map(lsid => sessionKeyOf(lsid)).filter((key): key is string => key !== undefined)
    : [];
  ctx.server.engine.endSessions(keys);
  return { ok: 1 };
}

/** There is no session table to kill from; every session's transaction ends with endSessions anyway. */
function killAllSessions(): Document {
  return { ok: 1 };
}

export const transactionCommands: CommandTable = {
  commitTransaction,
  abortTransaction,
  endSessions,
  killAllSessions,
};
