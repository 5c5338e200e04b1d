/**
 * MongoDB failures that pass on their own: a step-down, a primary shutting down, a dropped connection, a
 * server that did not answer in time. SPEC §6: a job that meets one is retried until MongoDB is back and
 * never goes to dead-letter, however long the outage lasts. Classified by what the error carries (labels,
 * codes, names), as the driver does, because the driver's own retry gives up after one attempt and a
 * bulkWrite rewraps the server's error as `MongoBulkWriteError`.
 */
import { errorCode, hasErrorLabel, isNamed } from './error-shape';

/** The retryable-writes spec's codes, plus MaxTimeMSExpired and NetworkInterfaceExceededTimeLimit. */
const TRANSIENT_CODES = new Set([6, 7, 50, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

const TRANSIENT_LABELS = [
  'RetryableWriteError',
  'ResetPool',
  'TransientTransactionError',
  'SystemOverloadedError',
  'RetryableError',
] as const;

const TRANSIENT_NAMES = [
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
] as const;

export function isTransientMongoError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const code = errorCode(error);
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  if (TRANSIENT_LABELS.some(label => hasErrorLabel(error, label))) return true;
  if (TRANSIENT_NAMES.some(name => isNamed(error, name))) return true;
  // MongoBulkWriteError keeps the error it wraps as `errorResponse`; others chain it as `cause`.
  const { errorResponse, cause } = error as { errorResponse?: unknown; cause?: unknown };
  return isTransientMongoError(errorResponse, depth + 1) || isTransientMongoError(cause, depth + 1);
}
