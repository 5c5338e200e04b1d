/**
 * Deep scrubbing of log payloads. pino's `redact` paths name fixed depths (`*.email` is one level), but the
 * objects we log are user documents and change events where an email can sit at any depth
 * (`fullDocument.email`, `updateDescription.updatedFields['owner.email']`, a driver error's `keyValue`).
 * So every payload is walked once: values under a sensitive key are replaced, strings lose URL
 * credentials and email addresses, and errors are serialized first so their own fields are walked too.
 */
import { stdSerializers } from 'pino';
import { scrubUrlCredentials } from './scrub-url-credentials';

export const REDACTED = '[Redacted]';

// Substring match on purpose: `ownerEmail`, `refresh_token`, `DASHBOARD_PASSWORD`, 'owner.email' all count.
const SENSITIVE_KEY = /e-?mail|phone|passw(?:or)?d|pwd|secret|token|authorization|cookie|credential/i;

const EMAIL_ADDRESS = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;

// Past this depth nothing useful for an operator remains; stopping also bounds the cost of a huge object.
const MAX_DEPTH = 12;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Free text (messages, stack traces, whole serialized lines): URL credentials and email addresses. */
export function scrubText(text: string): string {
  return scrubUrlCredentials(text).replace(EMAIL_ADDRESS, REDACTED);
}

export function scrubSecrets(value: unknown): unknown {
  return scrub(value, 0, new WeakSet<object>());
}

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return scrubObject(serializeError(value), depth, seen);
    if (Array.isArray(value)) return value.map(item => scrub(item, depth + 1, seen));
    if (!isPlainObject(value) && hasToJSON(value)) {
      // ObjectId, Date, mongoose documents: log what JSON.stringify would, then scrub that.
      const json: unknown = value.toJSON();
      return json === value ? scrubObject(value, depth, seen) : scrub(json, depth, seen);
    }
    return scrubObject(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function scrubObject(value: object, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item !== undefined ? REDACTED : scrub(item, depth + 1, seen);
  }
  return out;
}

/** pino's error shape (type, message, stack with causes, own fields), minus the raw error it keeps. */
function serializeError(error: Error): Record<string, unknown> {
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(serialized)) {
    if (key !== 'raw') out[key] = serialized[key];
  }
  return out;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
