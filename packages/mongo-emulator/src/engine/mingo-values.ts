/**
 * The bridge between stored BSON values and mingo. mingo only does arithmetic and comparisons on JS
 * numbers (it compares Int32/Long/Double objects by their class name and string form), so documents
 * are handed to it with every numeric type turned into a JS number, in fresh containers so mingo can
 * never touch stored state. Results come back through `fromMingo`, which restores the original BSON
 * value wherever a value is unchanged and otherwise types numbers as MongoDB would send them.
 */
import { Double, Int32 } from 'bson';
import { bsonTypeOf, isNumericType, isPlainObject, toNumber } from './bson-types';
import { deepCopy } from './deep-copy';
import { setField } from './field-path';

export function toMingo(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toMingo);
  if (v instanceof Date) return new Date(v.getTime());
  const type = bsonTypeOf(v);
  if (isNumericType(type)) return toNumber(v);
  if (type === 'object' && isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setField(out, k, toMingo(x));
    return out;
  }
  // Binary bytes are mutable: never share them with stored documents.
  return deepCopy(v);
}

function defaultNumber(n: number): unknown {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 && !Object.is(n, -0)
    ? new Int32(n)
    : new Double(n);
}

function sameNumber(original: unknown, n: number): boolean {
  if (!isNumericType(bsonTypeOf(original))) return false;
  const o = toNumber(original);
  return o === n || (Number.isNaN(o) && Number.isNaN(n));
}

/**
 * Converts a mingo result back to BSON values. `original` is the stored value at the same place, if
 * any: an unchanged number keeps its stored type (Long stays Long), a computed one becomes Int32 or
 * Double by value.
 */
export function fromMingo(v: unknown, original?: unknown): unknown {
  if (typeof v === 'number') return sameNumber(original, v) ? original : defaultNumber(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const orig = Array.isArray(original) ? original : [];
    return v.map((x, i) => fromMingo(x, orig[i]));
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (isPlainObject(v)) {
    const orig = isPlainObject(original) ? original : {};
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      setField(out, k, fromMingo(x, Object.prototype.hasOwnProperty.call(orig, k) ? orig[k] : undefined));
    }
    return out;
  }
  // Binary bytes are mutable: never share them with stored documents.
  return deepCopy(v);
}
