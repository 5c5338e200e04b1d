/**
 * The error labels mongod attaches, which drivers (for wire version >= 9) trust instead of guessing from
 * codes: without RetryableWriteError a driver never retries a write, without ResumableChangeStreamError
 * a change stream dies instead of resuming, without TransientTransactionError withTransaction gives up.
 */
import type { Document } from '../types';

/** Codes that make a write (and a read) retryable, as the retryable writes spec lists them. */
const RETRYABLE_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Codes after which a change stream may resume, as mongod's ErrorLabelBuilder decides. */
const RESUMABLE_CHANGE_STREAM_CODES = new Set([...RETRYABLE_CODES, 63, 150, 13388, 133, 234]);

/** Codes that abort a transaction without the client having done anything wrong. */
const TRANSIENT_TRANSACTION_CODES = new Set([112, 24, 251]);

const RETRYABLE_WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
const TRANSACTION_END_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

export interface LabelSubject {
  name: string;
  command: Document;
  /** getMore on a change stream cursor, or aggregate opening one. */
  changeStream: boolean;
}

export function errorLabelsFor(code: number, subject: LabelSubject): string[] {
  const { name, command } = subject;
  const labels: string[] = [];
  const inTransaction = command.autocommit === false;
  const retryableWrite =
    TRANSACTION_END_COMMANDS.has(name) ||
    (RETRYABLE_WRITE_COMMANDS.has(name) && command.txnNumber !== undefined && !inTransaction);
  if (retryableWrite && RETRYABLE_CODES.has(code)) labels.push('RetryableWriteError');
  if (inTransaction && TRANSIENT_TRANSACTION_CODES.has(code)) labels.push('TransientTransactionError');
  if (subject.changeStream && RESUMABLE_CHANGE_STREAM_CODES.has(code))
    labels.push('ResumableChangeStreamError');
  return labels;
}
