/**
 * BSON type identification for values as the wire layer hands them over (promoteValues: false), plus
 * plain JS values that unit tests and mingo produce. Detection goes by `_bsontype`, not `instanceof`,
 * so values from another copy of the bson package (mongoose bundles its own driver) are recognised too.
 */
import { Decimal128, Double, Int32, Long } from 'bson';

export const BsonType = {
  minKey: 'minKey',
  double: 'double',
  string: 'string',
  object: 'object',
  array: 'array',
  binData: 'binData',
  undefined: 'undefined',
  objectId: 'objectId',
  bool: 'bool',
  date: 'date',
  null: 'null',
  regex: 'regex',
  dbPointer: 'dbPointer',
  javascript: 'javascript',
  symbol: 'symbol',
  int: 'int',
  timestamp: 'timestamp',
  long: 'long',
  decimal: 'decimal',
  maxKey: 'maxKey',
} as const;
export type BsonTypeName = (typeof BsonType)[keyof typeof BsonType];

/** `$type` accepts these numeric codes as well as the names. */
export const BSON_TYPE_CODES: Readonly<Record<number, BsonTypeName>> = {
  [-1]: 'minKey',
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  12: 'dbPointer',
  13: 'javascript',
  14: 'symbol',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  127: 'maxKey',
};

const BSONTYPE_TAGS: Readonly<Record<string, BsonTypeName>> = {
  ObjectId: 'objectId',
  ObjectID: 'objectId',
  Int32: 'int',
  Double: 'double',
  Long: 'long',
  Decimal128: 'decimal',
  Binary: 'binData',
  Timestamp: 'timestamp',
  BSONRegExp: 'regex',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  BSONSymbol: 'symbol',
  Symbol: 'symbol',
  Code: 'javascript',
  DBPointer: 'dbPointer',
  DBRef: 'object',
};

function bsonTag(v: object): string | undefined {
  const tag = (v as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

export function bsonTypeOf(v: unknown): BsonTypeName {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
    case 'number':
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 'int' : 'double';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'array';
      // bson values first: they are the most common non-plain objects and need no instanceof chain.
      const tag = bsonTag(v);
      if (tag !== undefined) return BSONTYPE_TAGS[tag] ?? 'object';
      if (v instanceof Date) return 'date';
      if (v instanceof RegExp) return 'regex';
      if (v instanceof Uint8Array) return 'binData';
      return 'object';
    }
    default:
      return 'object';
  }
}

/** Canonical type order of MongoDB's comparison/sort (numbers all rank alike, as do null and missing). */
const TYPE_RANK: Readonly<Record<BsonTypeName, number>> = {
  minKey: 1,
  undefined: 2,
  null: 2,
  double: 3,
  int: 3,
  long: 3,
  decimal: 3,
  symbol: 4,
  string: 4,
  object: 5,
  array: 6,
  binData: 7,
  objectId: 8,
  bool: 9,
  date: 10,
  timestamp: 11,
  regex: 12,
  dbPointer: 13,
  javascript: 14,
  maxKey: 100,
};

export function typeRank(t: BsonTypeName): number {
  return TYPE_RANK[t];
}

const NUMERIC = new Set<BsonTypeName>(['double', 'int', 'long', 'decimal']);

export function isNumericType(t: BsonTypeName): boolean {
  return NUMERIC.has(t);
}

export function isNumeric(v: unknown): boolean {
  return NUMERIC.has(bsonTypeOf(v));
}

/** A numeric value as a JS number (Long and Decimal128 may lose precision). NaN for non-numbers. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v !== 'object') return NaN;
  switch (bsonTag(v)) {
    case 'Int32':
    case 'Double':
      return (v as Int32 | Double).value;
    case 'Long':
      return (v as Long).toNumber();
    case 'Decimal128':
      return Number((v as Decimal128).toString());
    default:
      return NaN;
  }
}

/** The exact integer value of an integral number (Long keeps all 64 bits), or undefined. */
export function toExactInteger(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v !== null && typeof v === 'object' && bsonTag(v) === 'Long') return (v as Long).toBigInt();
  const n = toNumber(v);
  return Number.isInteger(n) ? BigInt(n) : undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return bsonTypeOf(v) === 'object' && v !== null && typeof v === 'object';
}

/** True for objects whose first key is an operator (`{$gt: 1}`), as opposed to embedded documents. */
export function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first.startsWith('$');
}

/** `1`, `Int32(1)`, `Double(-1)`, `true` as a JS number; used for sort/projection/$pop arguments. */
export function numberArg(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return toNumber(v);
}

export { Decimal128, Double, Int32, Long };
