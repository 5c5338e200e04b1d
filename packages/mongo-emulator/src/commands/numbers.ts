/**
 * Command fields arrive unpromoted (Int32, Double, Long objects), because the same decoding serves the
 * documents that must keep their types. Handlers read numeric options through these helpers instead.
 */
import type { Long } from 'bson';
import { MongoCommandError, ErrorCodes } from '../types';

type Bsonish = { _bsontype?: string; valueOf(): unknown; toString(): string };

/** The numeric value of a number/Int32/Double/Long/Decimal128, or undefined for anything else. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return undefined;
  switch ((value as Bsonish)._bsontype) {
    case 'Int32':
    case 'Double':
      return Number((value as Bsonish).valueOf());
    case 'Long':
      return (value as Long).toNumber();
    case 'Decimal128':
      return Number((value as Bsonish).toString());
    default:
      return undefined;
  }
}

/** An optional integer option: absent/null gives undefined, a non-number is a TypeMismatch. */
export function optionalInteger(command: Record<string, unknown>, field: string): number | undefined {
  const raw = command[field];
  if (raw === undefined || raw === null) return undefined;
  const value = toNumber(raw);
  if (value === undefined || !Number.isFinite(value)) {
    throw new MongoCommandError(
      ErrorCodes.TypeMismatch.code,
      ErrorCodes.TypeMismatch.codeName,
      `Field '${field}' must be a number`,
    );
  }
  return Math.trunc(value);
}

/** Cursor ids and txnNumbers are int64 on the wire. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (value !== null && typeof value === 'object' && (value as Bsonish)._bsontype === 'Long')
    return (value as Long).toBigInt();
  const number = toNumber(value);
  return number !== undefined && Number.isInteger(number) ? BigInt(number) : undefined;
}
