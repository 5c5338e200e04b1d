/**
 * Tests of one value against one operator argument, with MongoDB's rules: comparisons only within the
 * same canonical type ("type bracketing": `{$gt: 5}` never matches a string), null equal to missing,
 * regexes matching strings.
 */
import type { BSONRegExp, BSONSymbol } from 'bson';
import {
  BSON_TYPE_CODES,
  BsonType,
  bsonTypeOf,
  isNumericType,
  numberArg,
  toNumber,
  typeRank,
} from '../bson-types';
import type { BsonTypeName } from '../bson-types';
import { badValue } from '../engine-errors';
import { indexKey } from '../index-key';
import { compareValues, valuesEqual } from '../value-compare';

/** A test of a single value; `missing` marks a path that reached nothing. */
export type ValueTest = (value: unknown, missing: boolean) => boolean;

const isNullish = (v: unknown, missing: boolean): boolean => missing || v === null || v === undefined;

export function equalsTest(operand: unknown): ValueTest {
  if (operand === null || operand === undefined) return (v, missing) => isNullish(v, missing);
  return (v, missing) => !missing && valuesEqual(v, operand);
}

export type ComparisonOp = '$gt' | '$gte' | '$lt' | '$lte';

export function comparisonTest(op: ComparisonOp, operand: unknown): ValueTest {
  const inclusive = op === '$gte' || op === '$lte';
  if (operand === null || operand === undefined) {
    // Only the equality half of $gte/$lte can hold against null.
    return inclusive ? (v, missing) => isNullish(v, missing) : () => false;
  }
  const rank = typeRank(bsonTypeOf(operand));
  const accept =
    op === '$gt'
      ? (c: number) => c > 0
      : op === '$gte'
        ? (c: number) => c >= 0
        : op === '$lt'
          ? (c: number) => c < 0
          : (c: number) => c <= 0;
  return (v, missing) => {
    if (missing || typeRank(bsonTypeOf(v)) !== rank) return false;
    return accept(compareValues(v, operand));
  };
}

export function toRegExp(pattern: unknown, options?: unknown): RegExp {
  if (pattern instanceof RegExp) {
    return options === undefined ? pattern : new RegExp(pattern.source, jsFlags(String(options)));
  }
  if (bsonTypeOf(pattern) === 'regex') {
    const r = pattern as BSONRegExp;
    return new RegExp(r.pattern, jsFlags(options === undefined ? r.options : String(options)));
  }
  if (typeof pattern !== 'string') throw badValue('$regex has to be a string');
  return new RegExp(pattern, jsFlags(options === undefined ? '' : String(options)));
}

/** MongoDB regex options as JS flags; `x` (extended) is emulated by dropping unescaped whitespace. */
function jsFlags(options: string): string {
  let flags = '';
  for (const ch of options) {
    if ('ims'.includes(ch) && !flags.includes(ch)) flags += ch;
    else if (ch !== 'x' && ch !== 'u') throw badValue(`invalid flag in regex options: ${ch}`);
  }
  return flags;
}

export function regexTest(re: RegExp): ValueTest {
  return (v, missing) => {
    if (missing) return false;
    const type = bsonTypeOf(v);
    if (type === 'string') return re.test(v as string);
    if (type === 'symbol') return re.test((v as BSONSymbol).value);
    // A stored regex matches a regex operand that is the very same pattern.
    if (type === 'regex') return valuesEqual(v, re);
    return false;
  };
}

/** `$in`: a hash lookup by canonical key, so `{_id: {$in: [10,000 ids]}}` stays linear. */
export function inTest(operand: unknown, op = '$in'): ValueTest {
  if (!Array.isArray(operand)) throw badValue(`${op} needs an array`);
  const keys = new Set<string>();
  const regexes: ValueTest[] = [];
  let matchesNull = false;
  for (const x of operand) {
    if (x instanceof RegExp || bsonTypeOf(x) === 'regex') regexes.push(regexTest(toRegExp(x)));
    else if (x === null || x === undefined) matchesNull = true;
    else if (bsonTypeOf(x) === 'object' && Object.keys(x as object)[0]?.startsWith('$'))
      throw badValue(`cannot nest $ under ${op}`);
    else keys.add(indexKey(x));
  }
  return (v, missing) => {
    if (isNullish(v, missing)) return matchesNull;
    return keys.has(indexKey(v)) || regexes.some(t => t(v, missing));
  };
}

function typeNames(operand: unknown): (BsonTypeName | 'number')[] {
  const list = Array.isArray(operand) ? operand : [operand];
  if (list.length === 0) throw badValue('$type must match at least one type');
  return list.map(t => {
    if (typeof t === 'string') {
      if (t === 'number' || t in BsonType) return t as BsonTypeName | 'number';
      throw badValue(`Unknown type name alias: ${t}`);
    }
    const code = numberArg(t);
    const name = BSON_TYPE_CODES[code];
    if (name === undefined) throw badValue(`Invalid numerical type code: ${code}`);
    return name;
  });
}

export function typeTest(operand: unknown): { test: ValueTest; wantsArray: boolean } {
  const names = typeNames(operand);
  const test: ValueTest = (v, missing) => {
    if (missing) return false;
    const type = bsonTypeOf(v);
    return names.some(n => (n === 'number' ? isNumericType(type) : n === type));
  };
  return { test, wantsArray: names.includes('array') };
}

export function modTest(operand: unknown): ValueTest {
  if (!Array.isArray(operand) || operand.length !== 2) {
    throw badValue('malformed mod, needs to be an array of two numbers');
  }
  const divisor = Math.trunc(toNumber(operand[0]));
  const remainder = Math.trunc(toNumber(operand[1]));
  if (!Number.isFinite(divisor) || !Number.isFinite(remainder))
    throw badValue('malformed mod, divisor and remainder must be numbers');
  if (divisor === 0) throw badValue('divisor cannot be 0');
  return (v, missing) =>
    !missing && isNumericType(bsonTypeOf(v)) && Math.trunc(toNumber(v)) % divisor === remainder;
}
