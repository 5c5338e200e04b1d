/**
 * Deep scrubbing of log payloads. pino's `redact` paths name fixed depths (`*.email` is one level), but the
 * objects we log are user documents and change events where an email can sit at any depth
 * (`fullDocument.email`, `updateDescription.updatedFields['owner.email']`, a driver error's `keyValue`).
 * So every payload is walked once: values under a sensitive key are replaced, strings lose URL
 * credentials, email addresses and phone numbers, and errors are serialized first so their own fields are
 * walked too.
 *
 * Free text is scrubbed twice: as the raw string (a field, `err.message`, `err.stack`) and inside the
 * finished JSON line (create-logger's streamWrite), where `"` is `\"` and a newline is `\n`. So every
 * pattern here also reads JSON-escaped text, and never eats part of an escape (that would break the line).
 */
import { stdSerializers } from 'pino';
import { scrubUrlCredentials } from './scrub-url-credentials';

export const REDACTED = '[Redacted]';

// Substring match on purpose: `ownerEmail`, `refresh_token`, `DASHBOARD_PASSWORD`, 'owner.email' all count.
const SENSITIVE_KEY = /e-?mail|phone|passw(?:or)?d|pwd|secret|token|authorization|cookie|credential/i;

// Not right after the backslash of a JSON escape (`\n`, `\t`, `\u0007`): `\nbob@x.io` must keep its `\n`.
const NOT_IN_ESCAPE = String.raw`(?<!(?:^|[^\\])(?:\\\\)*\\(?:u[0-9a-f]{0,3})?)`;

// `%40` is a URL-encoded `@` (`?email=jane%40example.com`); an apostrophe only inside (`o'brien@...`).
const EMAIL_ADDRESS = new RegExp(
  String.raw`${NOT_IN_ESCAPE}[a-z0-9._%+-]+(?:'[a-z0-9._%+-]+)*(?:@|%40)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}`,
  'gi',
);

// Phone numbers unlabelled in free text, in the two shapes that cannot be a count, a port, a timestamp or
// an id: international (`+`, then 7 to 15 digits, separators allowed) and grouped national
// (`(555) 010-0100`, `555.010.0100`, `020 7946 0958`). A bare digit run (`5550100`) is left alone: in free
// text it cannot be told from a count or a timestamp. Labelled (`phone: 5550100`), it goes: see below.
const PHONE_NUMBER = new RegExp(
  String.raw`(?<=^|[^\w.+-]|\\[nrtbf])` +
    String.raw`(?:(?:\+|%2B)\d(?:[\s.()-]{0,2}\d){6,14}|\(?\d{3}\)?[\s.-]?\d{3,4}[\s.-]\d{4})` +
    String.raw`(?![\w]|[.-]\d)`,
  'gi',
);

// A value labelled as an email or phone in free text: `dup key: { phone: "+1-555-0100" }`, `email='x'`,
// `{"phone":"..."}`, `phone=5550100`. A quoted value goes whatever it holds; an unquoted one only when it
// looks like a number, so `email: Path is required` keeps its explanation.
const LABEL = String.raw`((?:^|[^\w.-])[\w.-]*(?:e-?mail|phone)[\w.-]*(?:\\?["'])?\s*[:=]\s*)`;
const NUMBER_VALUE = String.raw`(?:\+|%2B)?[\d(][\d\s().-]{3,}\d`;
const LABELLED_IN_TEXT = new RegExp(
  String.raw`${LABEL}(?:(\\?")[^"\\]*\\?"|(\\?')[^'\\]*\\?'|${NUMBER_VALUE})`,
  'gi',
);
// Inside a serialized line a bare `"` ends the JSON string: only an escaped one (`\"`) opens a value, and
// a single-quoted value never spans a `"`, or `phone: "}` at the end of a message would eat the line's
// structure.
const LABELLED_IN_JSON = new RegExp(
  String.raw`${LABEL}(?:(\\")[^"\\]*\\"|(')[^'"\\]*'|${NUMBER_VALUE})`,
  'gi',
);

// Past this depth nothing useful for an operator remains; stopping also bounds the cost of a huge object.
const MAX_DEPTH = 12;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Free text (a message, a stack trace, any string value): URL credentials, emails, phone numbers. */
export function scrubText(text: string): string {
  return scrubWith(LABELLED_IN_TEXT, text);
}

/** A whole serialized JSON line, scrubbed without breaking its structure or its escapes. */
export function scrubJsonLine(line: string): string {
  return scrubWith(LABELLED_IN_JSON, line);
}

function scrubWith(labelled: RegExp, text: string): string {
  return scrubUrlCredentials(text)
    .replace(labelled, (_match, label: string, double?: string, single?: string) => {
      const quote = double ?? single ?? '';
      return `${label}${quote}${REDACTED}${quote}`;
    })
    .replace(EMAIL_ADDRESS, REDACTED)
    .replace(PHONE_NUMBER, REDACTED);
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
