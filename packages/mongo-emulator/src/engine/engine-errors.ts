/**
 * The errors the engine raises, with MongoDB's codes and (where clients look at them) its messages.
 * Codes the shared contract does not list are created here rather than widening types.ts.
 */
import { MongoCommandError, ErrorCodes, commandError } from '../types';
import type { Document } from '../types';

export const TRANSIENT_TRANSACTION_ERROR = 'TransientTransactionError';

export const ExtraErrorCodes = {
  PathNotViable: { code: 28, codeName: 'PathNotViable' },
  InvalidOptions: { code: 72, codeName: 'InvalidOptions' },
  InvalidNamespace: { code: 73, codeName: 'InvalidNamespace' },
  NotSingleValueField: { code: 54, codeName: 'NotSingleValueField' },
  NoSuchKey: { code: 4, codeName: 'NoSuchKey' },
  Location: (code: number) => ({ code, codeName: `Location${code}` }),
} as const;

export const badValue = (message: string): MongoCommandError => commandError(ErrorCodes.BadValue, message);
export const failedToParse = (message: string): MongoCommandError =>
  commandError(ErrorCodes.FailedToParse, message);
export const typeMismatch = (message: string): MongoCommandError =>
  commandError(ErrorCodes.TypeMismatch, message);
export const pathNotViable = (message: string): MongoCommandError =>
  new MongoCommandError(ExtraErrorCodes.PathNotViable.code, ExtraErrorCodes.PathNotViable.codeName, message);

export function errorOf(
  kind: { code: number; codeName: string },
  message: string,
  extra: Document = {},
): MongoCommandError {
  return new MongoCommandError(kind.code, kind.codeName, message, extra);
}
export const immutableField = (message: string): MongoCommandError =>
  commandError(ErrorCodes.ImmutableField, message);

export function writeConflict(
  message = 'WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.',
): MongoCommandError {
  const { code, codeName } = ErrorCodes.WriteConflict;
  return new MongoCommandError(code, codeName, message, {}, [TRANSIENT_TRANSACTION_ERROR]);
}

export function noSuchTransaction(txnNumber: bigint, aborted: boolean): MongoCommandError {
  const { code, codeName } = ErrorCodes.NoSuchTransaction;
  const message = aborted
    ? `Transaction with { txnNumber: ${txnNumber} } has been aborted.`
    : `Given transaction number ${txnNumber} does not match any in-progress transactions.`;
  return new MongoCommandError(code, codeName, message, {}, [TRANSIENT_TRANSACTION_ERROR]);
}

export function namespaceNotFound(db: string, coll: string): MongoCommandError {
  return commandError(ErrorCodes.NamespaceNotFound, `ns not found ${db}.${coll}`);
}

/** Errors thrown by mingo or by bugs become command errors instead of tearing down the connection. */
export function asCommandError(e: unknown): MongoCommandError {
  if (e instanceof MongoCommandError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return commandError(ErrorCodes.BadValue, message.replace(/^mingo: /, ''));
}

export function withExtra(e: MongoCommandError, extra: Document): MongoCommandError {
  return new MongoCommandError(e.code, e.codeName, e.message, { ...e.extra, ...extra }, e.errorLabels);
}
