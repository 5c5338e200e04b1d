/**
 * Classifies change-stream failures by code, not by message (mongodb's own `isResumableError` style).
 * History lost means the resume point can never be reached again: the listener starts from now and
 * resyncs everything, instead of crash-looping on a token the server rejects.
 */
import { MongoServerError } from 'mongodb';

export const HISTORY_LOST_CODES = {
  CappedPositionLost: 136,
  InvalidResumeToken: 260,
  ChangeStreamFatalError: 280,
  ChangeStreamHistoryLost: 286,
} as const;

const historyLostCodes = new Set<number>(Object.values(HISTORY_LOST_CODES));

export function isHistoryLostError(error: unknown): boolean {
  return (
    error instanceof MongoServerError && typeof error.code === 'number' && historyLostCodes.has(error.code)
  );
}
