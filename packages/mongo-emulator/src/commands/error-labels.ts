/**
 * The error labels mongod 7.0 attaches (its ErrorLabelBuilder), which drivers for wire version >= 9 trust
 * instead of guessing from codes: without RetryableWriteError a driver never retries a write, without
 * ResumableChangeStreamError a change stream dies instead of resuming, without TransientTransactionError
 * withTransaction gives up. A label mongod would not give makes a fault test pass here and fail there.
 */
import type { Document } from '../types';

/** mongod's RetriableError category (error_codes.yml). */
const RETRIABLE_CODES = new Set([6, 7, 89, 91, 134, 189, 202, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
/** NeedRetargettingError: StaleShardVersion, StaleEpoch, StaleConfig. */
const RETARGETTING_CODES = new Set([63, 150, 13388]);
/** SnapshotTooOld, SnapshotUnavailable, StaleChunkHistory, MigrationConflict. */
const SNAPSHOT_CODES = new Set([239, 246, 281, 314]);
/** WriteConflict, LockTimeout, StaleDbVersion, PreparedTransactionInProgress. */
const ALWAYS_TRANSIENT_CODES = new Set([112, 24, 249, 267]);
const NO_SUCH_TRANSACTION = 251;
/** RetryChangeStream, FailedToSatisfyReadPreference. */
const CHANGE_STREAM_RETRY_CODES = new Set([234, 133]);

const TRANSACTION_END_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

export interface LabelSubject {
  name: string;
  command: Document;
  /**
   * The command is known to read a change stream: an aggregate opening one, or a getMore once its cursor is
   * checked out. A getMore failed by the failCommand fail point runs before that, so mongod cannot tell and
   * adds no ResumableChangeStreamError (SERVER-46091).
   */
  changeStream: boolean;
}

export interface LabelledFailure {
  /** The command's error code; absent when it succeeded. */
  code?: number;
  /** The code of the reply's writeConcernError, if any. */
  writeConcernCode?: number;
}

export function errorLabelsFor(failure: LabelledFailure, subject: LabelSubject): string[] {
  const labels: string[] = [];
  if (isRetryableWriteError(failure, subject)) labels.push('RetryableWriteError');
  if (isTransientTransactionError(failure, subject)) labels.push('TransientTransactionError');
  if (isResumableChangeStreamError(failure, subject)) labels.push('ResumableChangeStreamError');
  return labels;
}

function isRetryableWriteError({ code, writeConcernCode }: LabelledFailure, subject: LabelSubject): boolean {
  const { command, name } = subject;
  if (command.txnNumber === undefined) return false;
  // A retryable write carries txnNumber without autocommit; in a transaction only commit and abort retry.
  const retryable = command.autocommit === undefined || TRANSACTION_END_COMMANDS.has(name);
  return (
    retryable &&
    ((code !== undefined && RETRIABLE_CODES.has(code)) ||
      (writeConcernCode !== undefined && RETRIABLE_CODES.has(writeConcernCode)))
  );
}

function isTransientTransactionError(
  { code, writeConcernCode }: LabelledFailure,
  { command, name }: LabelSubject,
): boolean {
  if (code === undefined || command.txnNumber === undefined || command.autocommit === undefined) return false;
  if (ALWAYS_TRANSIENT_CODES.has(code) || SNAPSHOT_CODES.has(code) || RETARGETTING_CODES.has(code))
    return true;
  // After commit or abort, retrying the whole transaction is safe only if nothing can have been committed.
  if (TRANSACTION_END_COMMANDS.has(name))
    return code === NO_SUCH_TRANSACTION && writeConcernCode === undefined;
  return RETRIABLE_CODES.has(code) || code === NO_SUCH_TRANSACTION;
}

function isResumableChangeStreamError(
  { code, writeConcernCode }: LabelledFailure,
  subject: LabelSubject,
): boolean {
  if (code === undefined || writeConcernCode !== undefined || !subject.changeStream) return false;
  if (subject.name !== 'aggregate' && subject.name !== 'getMore') return false;
  return RETRIABLE_CODES.has(code) || RETARGETTING_CODES.has(code) || CHANGE_STREAM_RETRY_CODES.has(code);
}
