/**
 * Runs the statements of an insert/update/delete command: an ordered batch stops at its first error,
 * an unordered one goes on; each failure becomes a `writeErrors` entry with the statement's index.
 * Errors labelled TransientTransactionError (WriteConflict, NoSuchTransaction) are not per-statement
 * results but command errors the driver must see as such to retry the transaction, so they propagate.
 */
import type { WriteError } from '../../types';
import { asCommandError, TRANSIENT_TRANSACTION_ERROR } from '../engine-errors';

export interface BatchResult<R> {
  /** Results of the statements that succeeded, with their index in the batch. */
  results: { index: number; result: R }[];
  writeErrors: WriteError[];
}

export function toWriteError(e: unknown, index: number): WriteError {
  const err = asCommandError(e);
  const out: WriteError = { index, code: err.code, codeName: err.codeName, errmsg: err.message };
  if (err.extra.keyPattern) out.keyPattern = err.extra.keyPattern;
  if (err.extra.keyValue) out.keyValue = err.extra.keyValue;
  return out;
}

export function runBatch<S, R>(
  statements: S[],
  ordered: boolean,
  run: (statement: S, index: number) => R,
): BatchResult<R> {
  const results: { index: number; result: R }[] = [];
  const writeErrors: WriteError[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      results.push({ index: i, result: run(statements[i], i) });
    } catch (e) {
      if (asCommandError(e).errorLabels.includes(TRANSIENT_TRANSACTION_ERROR)) throw e;
      writeErrors.push(toWriteError(e, i));
      if (ordered) break;
    }
  }
  return { results, writeErrors };
}
