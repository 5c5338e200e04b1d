import { BSON, ObjectId } from 'mongodb';

/**
 * Equality as MongoDB sees it for `$eq` on documents: same fields, same order, same BSON types. Comparing
 * the encoded bytes gives exactly that, where a loose structural JS comparison would call Int32(1) and 1.0
 * equal. The values compared here come from the driver (numbers promoted to JS numbers), so most of them
 * are compared field by field with the same answer the bytes would give, without encoding anything: each
 * job compares every copy it reads, and encoding both sides was a tenth of a worker's time. Anything
 * unusual (Long, Decimal128, Binary, ...) is still compared as bytes.
 */
export function bsonEqual(left: unknown, right: unknown): boolean {
  return sameValue(left, right);
}

/** The bytes `bsonEqual` compares: encode a value once when it is compared with many. */
export function bsonBytes(value: unknown): Buffer {
  return Buffer.from(BSON.serialize({ v: value }));
}

function sameValue(left: unknown, right: unknown): boolean {
  // Object.is: -0 (a double) differs from 0 (an int32), NaN equals NaN, as in bytes.
  if (Object.is(left, right)) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return typeof left === 'object' || typeof right === 'object' ? sameBytes(left, right) : false;
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    // In an array, undefined is encoded as null.
    for (let i = 0; i < left.length; i += 1) if (!sameValue(left[i] ?? null, right[i] ?? null)) return false;
    return true;
  }
  if (isPlainDocument(left) && isPlainDocument(right)) return sameDocument(left, right);
  if (left instanceof ObjectId && right instanceof ObjectId) return left.equals(right);
  if (left instanceof Date && right instanceof Date) return Object.is(left.getTime(), right.getTime());
  return sameBytes(left, right);
}

/** In a document, a field holding undefined is not encoded at all. */
function definedKeys(document: Record<string, unknown>): string[] {
  return Object.keys(document).filter(key => document[key] !== undefined);
}

function sameDocument(left: Record<string, unknown>, right: Record<string, unknown>): boolean {
  const keys = definedKeys(left);
  const otherKeys = definedKeys(right);
  if (keys.length !== otherKeys.length) return false;
  for (let i = 0; i < keys.length; i += 1) {
    if (keys[i] !== otherKeys[i] || !sameValue(left[keys[i]], right[keys[i]])) return false;
  }
  return true;
}

function isPlainDocument(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && !('_bsontype' in value);
}

function sameBytes(left: unknown, right: unknown): boolean {
  return bsonBytes(left).equals(bsonBytes(right));
}
