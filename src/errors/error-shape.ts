/**
 * Reads what an error carries (`code`, `codeName`, `errorLabels`, `name`) instead of asking which class
 * made it. The service holds errors from more than one package copy (mongoose may bring its own driver,
 * BullMQ and ioredis each have theirs), and `instanceof` is false across copies: a check by class passed in
 * tests and failed in the process users run. This is how the driver itself classifies (`isResumableError`).
 */

/** The server's numeric error code, if the error carries one. */
export function errorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The server's error name (`ChangeStreamHistoryLost`, ...), if the error carries one. */
export function errorCodeName(error: unknown): string | undefined {
  const codeName = (error as { codeName?: unknown } | null)?.codeName;
  return typeof codeName === 'string' ? codeName : undefined;
}

/** Whether the driver labelled the error (`RetryableWriteError`, `TransientTransactionError`, ...). */
export function hasErrorLabel(error: unknown, label: string): boolean {
  const labels = (error as { errorLabels?: unknown } | null)?.errorLabels;
  return Array.isArray(labels) && labels.includes(label);
}

/** Whether the error is named `name`: how errors of our own and of other packages are told apart. */
export function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
