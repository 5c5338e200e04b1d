/**
 * Resume tokens: `{_data: <hex>}` naming a position in the oplog.
 *
 * The hex is a fixed-width big-endian encoding of the position followed by a checksum, so comparing two
 * tokens' `_data` strings compares their positions (MongoDB's KeyString tokens sort the same way), and a
 * token this server never issued (a real MongoDB token, a truncated or edited string) fails to decode
 * instead of silently starting somewhere.
 */
import { Timestamp } from 'bson';
import { commandError, ErrorCodes } from '../types';

export const PositionKind = {
  /** A point in time, before every event at (t, i): high-water marks and startAtOperationTime. */
  time: 0,
  /** The event at (t, i) with index `idx` within that cluster time (transactions share one). */
  event: 1,
} as const;

export type PositionKind = (typeof PositionKind)[keyof typeof PositionKind];

export interface Position {
  t: number;
  i: number;
  kind: PositionKind;
  idx: number;
  /**
   * True for the invalidate that follows the event at this position. It sorts just after that event, so
   * `startAfter` an invalidate continues with the event after the drop.
   */
  invalidate: boolean;
}

export interface ResumeToken {
  _data: string;
}

/** Changing the layout must change this byte, so tokens of another layout are rejected, not misread. */
const FORMAT_VERSION = 'e1';
const BODY_HEX_LENGTH = 2 + 8 + 8 + 2 + 8 + 2;
const TOKEN_HEX_LENGTH = BODY_HEX_LENGTH + 8;
const HEX = /^[0-9a-f]+$/;

const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');

/** Sortable key of a position: string order is position order. */
export function positionKey(p: Position): string {
  return (
    FORMAT_VERSION + hex(p.t, 8) + hex(p.i, 8) + hex(p.kind, 2) + hex(p.idx, 8) + (p.invalidate ? '01' : '00')
  );
}

export function eventPosition(ts: Timestamp, idx: number): Position {
  return { t: ts.t, i: ts.i, kind: PositionKind.event, idx, invalidate: false };
}

export function timePosition(ts: Timestamp): Position {
  return { t: ts.t, i: ts.i, kind: PositionKind.time, idx: 0, invalidate: false };
}

export function positionTimestamp(p: Position): Timestamp {
  return new Timestamp({ t: p.t, i: p.i });
}

export function comparePositions(a: Position, b: Position): number {
  const ka = positionKey(a);
  const kb = positionKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function encodeResumeToken(p: Position): ResumeToken {
  return resumeTokenOfKey(positionKey(p));
}

/** The token of a position whose key is already at hand (the oplog caches every entry's key). */
export function resumeTokenOfKey(key: string): ResumeToken {
  return { _data: key + checksum(key) };
}

/** Throws InvalidResumeToken (260) for anything this server could not have issued. */
export function decodeResumeToken(token: unknown): Position {
  const data = isTokenDocument(token) ? token._data : undefined;
  if (typeof data !== 'string' || data.length !== TOKEN_HEX_LENGTH || !HEX.test(data)) {
    throw invalidToken(token);
  }
  const body = data.slice(0, BODY_HEX_LENGTH);
  if (!body.startsWith(FORMAT_VERSION) || checksum(body) !== data.slice(BODY_HEX_LENGTH)) {
    throw invalidToken(token);
  }
  const field = (from: number, width: number) => parseInt(body.slice(from, from + width), 16);
  const kind = field(18, 2);
  const invalidate = field(28, 2);
  if ((kind !== PositionKind.time && kind !== PositionKind.event) || invalidate > 1)
    throw invalidToken(token);
  return { t: field(2, 8), i: field(10, 8), kind, idx: field(20, 8), invalidate: invalidate === 1 };
}

function isTokenDocument(token: unknown): token is { _data: unknown } {
  return typeof token === 'object' && token !== null && Object.keys(token).length === 1 && '_data' in token;
}

function invalidToken(token: unknown) {
  return commandError(ErrorCodes.InvalidResumeToken, `Invalid resume token: ${describe(token)}`);
}

function describe(token: unknown): string {
  try {
    return JSON.stringify(token) ?? String(token);
  } catch {
    return String(token);
  }
}

/** FNV-1a: not security, just enough that a hand-edited or foreign token does not decode. */
function checksum(body: string): string {
  let hash = 0x811c9dc5;
  for (let k = 0; k < body.length; k++) {
    hash ^= body.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hex(hash, 8);
}
