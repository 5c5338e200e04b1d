/**
 * MongoDB's comparison of BSON values: canonical type order first, then by value within a type, with
 * every numeric type (Int32, Long, Double, Decimal128, plain numbers) compared by numeric value, so
 * `Int32(1)`, `Double(1)` and `Long(1)` are equal, as they are in queries and unique indexes.
 */
import type { Binary, BSONRegExp, BSONSymbol, Code, ObjectId, Timestamp } from 'bson';
import { bsonTypeOf, isNumericType, toExactInteger, toNumber, typeRank } from './bson-types';
import type { BsonTypeName } from './bson-types';

const cmp = <T extends string | number | bigint>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

function compareNumbers(a: unknown, b: unknown, ta: BsonTypeName, tb: BsonTypeName): number {
  // Long holds 64 bits a double cannot represent; compare exactly when both sides are integral.
  if (ta === 'long' || tb === 'long') {
    const ia = toExactInteger(a);
    const ib = toExactInteger(b);
    if (ia !== undefined && ib !== undefined) return cmp(ia, ib);
  }
  const na = toNumber(a);
  const nb = toNumber(b);
  // MongoDB orders NaN below every other number and equal to itself.
  if (Number.isNaN(na)) return Number.isNaN(nb) ? 0 : -1;
  if (Number.isNaN(nb)) return 1;
  return cmp(na, nb);
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : (v as BSONSymbol).value;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    const byType = cmp(typeRank(bsonTypeOf(va)), typeRank(bsonTypeOf(vb)));
    if (byType !== 0) return byType;
    const byName = cmp(ka[i], kb[i]);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb);
    if (byValue !== 0) return byValue;
  }
  return cmp(ka.length, kb.length);
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return cmp(a.length, b.length);
}

function bytesOf(v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : (v as Binary).value();
}

function compareBinary(a: unknown, b: unknown): number {
  const ba = bytesOf(a);
  const bb = bytesOf(b);
  if (ba.length !== bb.length) return cmp(ba.length, bb.length);
  const sa = a instanceof Uint8Array ? 0 : (a as Binary).sub_type;
  const sb = b instanceof Uint8Array ? 0 : (b as Binary).sub_type;
  if (sa !== sb) return cmp(sa, sb);
  for (let i = 0; i < ba.length; i++) if (ba[i] !== bb[i]) return cmp(ba[i], bb[i]);
  return 0;
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as BSONRegExp;
  return [r.pattern, r.options];
}

/** Byte order is hex order: comparing the 12 bytes spares two string allocations per comparison. */
function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const ba = a.id;
  const bb = b.id;
  for (let i = 0; i < 12; i++) if (ba[i] !== bb[i]) return ba[i] - bb[i];
  return 0;
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in MongoDB's order. */
export function compareValues(a: unknown, b: unknown): number {
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  const byRank = cmp(typeRank(ta), typeRank(tb));
  if (byRank !== 0) return byRank;
  if (isNumericType(ta)) return compareNumbers(a, b, ta, tb);
  switch (ta) {
    case 'string':
    case 'symbol':
      return cmp(stringOf(a), stringOf(b));
    case 'object':
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case 'array':
      return compareArrays(a as unknown[], b as unknown[]);
    case 'binData':
      return compareBinary(a, b);
    case 'objectId':
      return compareObjectIds(a as ObjectId, b as ObjectId);
    case 'bool':
      return cmp(Number(a), Number(b));
    case 'date':
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 'timestamp': {
      const [x, y] = [a as Timestamp, b as Timestamp];
      return cmp(x.t, y.t) || cmp(x.i, y.i);
    }
    case 'regex': {
      const [pa, fa] = regexParts(a);
      const [pb, fb] = regexParts(b);
      return cmp(pa, pb) || cmp(fa, fb);
    }
    case 'javascript':
      return cmp((a as Code).code, (b as Code).code);
    default:
      return 0;
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  // The same reference (stored values are shared, never mutated) is equal whatever its type.
  if (a === b) return true;
  return compareValues(a, b) === 0;
}

/**
 * Binary identity: same BSON type and value, objects with the same field order. MongoDB uses this to
 * decide that `$set` to the current value is a no-op (while `Int32(1)` -> `Double(1)` is a change).
 */
export function valuesIdentical(a: unknown, b: unknown): boolean {
  const ta = bsonTypeOf(a);
  if (ta !== bsonTypeOf(b)) return false;
  if (ta === 'object') {
    const oa = a as Record<string, unknown>;
    const ob = b as Record<string, unknown>;
    const ka = Object.keys(oa);
    const kb = Object.keys(ob);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && valuesIdentical(oa[k], ob[k]));
  }
  if (ta === 'array') {
    const xa = a as unknown[];
    const xb = b as unknown[];
    return xa.length === xb.length && xa.every((v, i) => valuesIdentical(v, xb[i]));
  }
  return compareValues(a, b) === 0;
}
