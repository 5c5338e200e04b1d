/**
 * What a Redis error is (SPEC §6), read from what it carries, as transient-mongo-error.ts does for
 * MongoDB: a reply's first word (`OOM`, `MOVED`, `WRONGPASS`...), a socket's errno code, or ioredis's own
 * messages when it has given up on a connection. A transaction that failed (`EXECABORT`) and a cluster
 * that could not be reached keep the error behind it, which decides.
 */

/** Replies that pass on their own: a full Redis, a failover, a slot on the move, a busy script. */
const TRANSIENT_REPLIES = new Set([
  'OOM',
  'READONLY',
  'LOADING',
  'MASTERDOWN',
  'MOVED',
  'ASK',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'BUSY',
  'NOREPLICAS',
]);

/** Wrong credentials or permissions: no retry fixes them, an operator does (SPEC §6). */
const CREDENTIAL_REPLIES = new Set(['WRONGPASS', 'NOAUTH', 'NOPERM']);

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** ioredis's messages for a connection it lost or gave up on, and the code we report them under. */
const CONNECTION_MESSAGES: readonly [RegExp, string][] = [
  [/^Connection is closed/, 'CONNECTION_CLOSED'],
  [/^Stream isn't writeable/, 'CONNECTION_CLOSED'],
  [/^Reached the max retries per request limit/, 'CONNECTION_CLOSED'],
  [/^Failed to refresh slots cache/, 'CLUSTER_UNREACHABLE'],
  [/^None of startup nodes is available/, 'CLUSTER_UNREACHABLE'],
  [/^Cluster isn't ready/, 'CLUSTER_UNREACHABLE'],
  [/^All sentinels are unreachable/, 'SENTINELS_UNREACHABLE'],
  [/^Too many Cluster redirections/, 'MOVED'],
  [/^connect ETIMEDOUT/, 'ETIMEDOUT'],
];

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  previousErrors?: unknown;
  lastNodeError?: unknown;
  cause?: unknown;
}

/**
 * The short name of a Redis error: the reply's first word (`OOM`, `MOVED`, `WRONGPASS`, `CROSSSLOT`...),
 * a socket code (`ECONNREFUSED`...), `CONNECTION_CLOSED`, `CLUSTER_UNREACHABLE`, `SENTINELS_UNREACHABLE`;
 * undefined for anything else.
 */
export function redisErrorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const { message, code, previousErrors, lastNodeError, cause } = error as ErrorLike;
  const text = typeof message === 'string' ? message : '';
  // A failed MULTI names only EXECABORT; the reply that aborted it is the one that matters.
  if (text.startsWith('EXECABORT') && Array.isArray(previousErrors) && previousErrors.length > 0)
    return redisErrorCode(previousErrors[0], depth + 1) ?? 'EXECABORT';
  const word = /^([A-Z][A-Z_]+)(?:\s|$)/.exec(text)?.[1];
  if (word !== undefined && (TRANSIENT_REPLIES.has(word) || CREDENTIAL_REPLIES.has(word))) return word;
  if (word === 'CROSSSLOT' || word === 'NOSCRIPT' || word === 'EXECABORT') return word;
  if (/^ERR (AUTH|invalid password|Client sent AUTH)/i.test(text)) return 'WRONGPASS';
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return code;
  const match = CONNECTION_MESSAGES.find(([pattern]) => pattern.test(text));
  if (match !== undefined) return redisErrorCode(lastNodeError, depth + 1) ?? match[1];
  return redisErrorCode(cause, depth + 1);
}

/** A Redis failure that passes on its own: never spends a job's attempt, never fails it for good. */
export function isTransientRedisError(error: unknown): boolean {
  const code = redisErrorCode(error);
  return code !== undefined && !CREDENTIAL_REPLIES.has(code) && code !== 'CROSSSLOT' && code !== 'NOSCRIPT';
}

/** Wrong credentials or permissions: a one-shot command stops at once, a role says so and waits. */
export function isRedisCredentialError(error: unknown): boolean {
  const code = redisErrorCode(error);
  return code !== undefined && CREDENTIAL_REPLIES.has(code);
}

/** One line for /readyz, metrics labels and logs: the code and Redis's own words, never a credential. */
export function describeRedisError(error: unknown): string {
  const code = redisErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0].slice(0, 200);
  if (code === undefined || firstLine.startsWith(code)) return firstLine;
  return `${code}: ${firstLine}`;
}
