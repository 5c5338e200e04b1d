import { BSON } from 'mongodb';

/**
 * Equality as MongoDB sees it for `$eq` on documents: same fields, same order, same BSON types. Comparing
 * the encoded bytes gives exactly that, where a structural JS comparison would call Int32(1) and 1.0 equal.
 */
export function bsonEqual(left: unknown, right: unknown): boolean {
  return bsonBytes(left).equals(bsonBytes(right));
}

/** The bytes `bsonEqual` compares: encode a value once when it is compared with many. */
export function bsonBytes(value: unknown): Buffer {
  return Buffer.from(BSON.serialize({ v: value }));
}
