/**
 * Canonical, type-aware string keys for values, used for `_id` lookup and index entries. Two values get
 * the same key exactly when MongoDB's index treats them as the same key: numbers by numeric value
 * across types (1, 1.0, Long(1) collide), everything else by type tag plus exact content.
 */
import type { Binary, BSONRegExp, BSONSymbol, Code, ObjectId, Timestamp } from 'bson';
import { bsonTypeOf, isNumericType, toExactInteger, toNumber } from './bson-types';

function numberKey(v: unknown): string {
  const n = toNumber(v);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Inf' : '-Inf';
  // Integral values print as exact integers so Long(2^60) and Double(2^60) share a key.
  const exact = toExactInteger(v);
  if (exact !== undefined) return exact.toString();
  return String(n);
}

function bytesHex(v: unknown): string {
  const bytes = v instanceof Uint8Array ? v : (v as Binary).value();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function indexKey(v: unknown): string {
  const type = bsonTypeOf(v);
  if (isNumericType(type)) return `n${numberKey(v)}`;
  switch (type) {
    case 'undefined':
    case 'null':
      return 'z';
    case 'minKey':
      return 'a';
    case 'maxKey':
      return 'Z';
    case 'string':
      return `s${v as string}`;
    case 'symbol':
      return `s${(v as BSONSymbol).value}`;
    case 'object':
      return `o${JSON.stringify(Object.entries(v as object).map(([k, x]) => [k, indexKey(x)]))}`;
    case 'array':
      return `A${JSON.stringify((v as unknown[]).map(indexKey))}`;
    case 'binData':
      return `b${v instanceof Uint8Array ? 0 : (v as Binary).sub_type}:${bytesHex(v)}`;
    case 'objectId':
      return `i${(v as ObjectId).toHexString()}`;
    case 'bool':
      return v ? 'T' : 'F';
    case 'date':
      return `d${(v as Date).getTime()}`;
    case 'timestamp':
      return `t${(v as Timestamp).t}:${(v as Timestamp).i}`;
    case 'regex':
      return v instanceof RegExp
        ? `r${v.source}/${v.flags}`
        : `r${(v as BSONRegExp).pattern}/${(v as BSONRegExp).options}`;
    case 'javascript':
      return `j${(v as Code).code}`;
    default:
      return `?${String(v)}`;
  }
}

/** Key of a compound index entry; JSON keeps the parts unambiguous. */
export function compoundKey(parts: string[]): string {
  return parts.length === 1 ? parts[0] : JSON.stringify(parts);
}
