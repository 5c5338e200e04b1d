/**
 * Classifies change-stream failures by the code they carry, not by message or class (see
 * src/errors/error-shape.ts). History lost means the resume point can never be reached again: the listener
 * starts from now and resyncs everything, instead of reopening from a token the server rejects.
 */
import { errorCode, errorCodeName } from '../errors/error-shape';

export const HISTORY_LOST_CODES = {
  CappedPositionLost: 136,
  InvalidResumeToken: 260,
  ChangeStreamFatalError: 280,
  ChangeStreamHistoryLost: 286,
} as const;

const historyLostCodes = new Set<number>(Object.values(HISTORY_LOST_CODES));
const historyLostNames = new Set<string>(Object.keys(HISTORY_LOST_CODES));

export function isHistoryLostError(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined) return historyLostCodes.has(code);
  const codeName = errorCodeName(error);
  return codeName !== undefined && historyLostNames.has(codeName);
}
