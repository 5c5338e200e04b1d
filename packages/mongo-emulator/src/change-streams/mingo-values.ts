/**
 * Translation between bson values and what mingo evaluates correctly.
 *
 * mingo compares class instances by their `toString()` as strings, so Int32(10) < Int32(9), Long(3) never
 * equals 3, and Timestamps order by decimal-string length. Numbers therefore become JS numbers and
 * Timestamps a wrapper whose string sorts like the timestamp; ObjectId, Date and Binary already compare
 * correctly and pass through. Translating copies every object, which also keeps a pipeline that sets or
 * unsets fields from touching the oplog's shared snapshots.
 */
import type { Timestamp } from 'bson';

/** A Timestamp as mingo sees it: equal and ordered by `toString()`, which is fixed-width. */
export class OrderedTimestamp {
  constructor(readonly timestamp: Timestamp) {}

  toString(): string {
    return this.timestamp.t.toString(16).padStart(8, '0') + this.timestamp.i.toString(16).padStart(8, '0');
  }
}

type BsonValue = { _bsontype: string } & Record<string, unknown>;

const bsonType = (value: object): string | undefined => {
  const type = (value as Partial<BsonValue>)._bsontype;
  return typeof type === 'string' ? type : undefined;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** The number mingo should see for a bson numeric, or undefined when `value` is not one. */
function numericValue(value: object): number | undefined {
  switch (bsonType(value)) {
    case 'Int32':
    case 'Double':
      return Number(value.valueOf());
    case 'Long':
      return (value as unknown as { toNumber(): number }).toNumber();
    case 'Decimal128':
      return Number(String(value));
    default:
      return undefined;
  }
}

export function toMingo(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(toMingo);
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) copy[key] = toMingo(field);
    return copy;
  }
  const number = numericValue(value);
  if (number !== undefined) return number;
  const type = bsonType(value);
  if (type === 'Timestamp') return new OrderedTimestamp(value as Timestamp);
  if (type === 'BSONRegExp')
    return toRegExp(value as unknown as { pattern: string; options: string }) ?? value;
  return value;
}

/**
 * Maps a pipeline's output back to bson values. Numbers that still equal the bson numeric at the same
 * path of the input get their original type back, so a field that only passed through (or was projected)
 * keeps it; numbers the pipeline computed stay JS numbers.
 */
export function fromMingo(output: unknown, original: unknown): unknown {
  if (output instanceof OrderedTimestamp) return output.timestamp;
  if (typeof output === 'number') {
    if (typeof original === 'object' && original !== null && Object.is(numericValue(original), output))
      return original;
    return output;
  }
  if (Array.isArray(output)) {
    return output.map((item, k) => fromMingo(item, Array.isArray(original) ? original[k] : undefined));
  }
  if (isPlainObject(output)) {
    const restored: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(output)) {
      restored[key] = fromMingo(field, isPlainObject(original) ? original[key] : undefined);
    }
    return restored;
  }
  return output;
}

function toRegExp(value: { pattern: string; options: string }): RegExp | undefined {
  try {
    return new RegExp(value.pattern, value.options.replace(/[^imsu]/g, ''));
  } catch {
    return undefined;
  }
}
