/**
 * `$inc`/`$mul`/`$bit` arithmetic with MongoDB's type promotion: int op int stays int unless it
 * overflows into long, anything with a double is a double, anything with a decimal is a decimal.
 * Plain JS numbers (unit tests hand them in) stay plain numbers when both sides are plain.
 */
import { Decimal128, Double, Int32, Long } from 'bson';
import { bsonTypeOf, toExactInteger, toNumber } from '../bson-types';
import { badValue } from '../engine-errors';

const RANK = { int: 0, long: 1, double: 2, decimal: 3 } as const;
type NumericKind = keyof typeof RANK;

function kindOf(v: unknown): NumericKind {
  const t = bsonTypeOf(v);
  if (t === 'int' || t === 'long' || t === 'double' || t === 'decimal') return t;
  throw badValue(`not a number: ${String(v)}`);
}

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function build(kind: NumericKind, exact: bigint | undefined, approx: number, plain: boolean): unknown {
  if (kind === 'decimal')
    return Decimal128.fromString(exact !== undefined ? exact.toString() : String(approx));
  if (kind === 'double') return plain ? approx : new Double(approx);
  if (exact === undefined) return plain ? approx : new Double(approx);
  if (kind === 'int' && exact >= INT32_MIN && exact <= INT32_MAX)
    return plain ? Number(exact) : new Int32(Number(exact));
  if (exact < INT64_MIN || exact > INT64_MAX) throw badValue(`integer overflow: ${exact}`);
  return plain ? Number(exact) : Long.fromBigInt(exact);
}

function combine(
  a: unknown,
  b: unknown,
  exactOp: (x: bigint, y: bigint) => bigint,
  numOp: (x: number, y: number) => number,
): unknown {
  const ka = kindOf(a);
  const kb = kindOf(b);
  const kind = RANK[ka] >= RANK[kb] ? ka : kb;
  const plain = typeof a === 'number' && typeof b === 'number';
  const approx = numOp(toNumber(a), toNumber(b));
  if (kind === 'int' || kind === 'long') {
    const [x, y] = [toExactInteger(a), toExactInteger(b)];
    if (x !== undefined && y !== undefined) return build(kind, exactOp(x, y), approx, plain);
  }
  if (kind === 'decimal') return build(kind, undefined, approx, plain);
  return build(kind, undefined, approx, plain);
}

export function addNumbers(a: unknown, b: unknown): unknown {
  return combine(
    a,
    b,
    (x, y) => x + y,
    (x, y) => x + y,
  );
}

export function multiplyNumbers(a: unknown, b: unknown): unknown {
  return combine(
    a,
    b,
    (x, y) => x * y,
    (x, y) => x * y,
  );
}

/** `$mul` on a missing field stores zero of the multiplier's type. */
export function zeroLike(v: unknown): unknown {
  return build(kindOf(v), 0n, 0, typeof v === 'number');
}

export type BitOp = 'and' | 'or' | 'xor';

export function bitwise(current: unknown, op: BitOp, operand: unknown): unknown {
  const ka = kindOf(current);
  const kb = kindOf(operand);
  if ((ka !== 'int' && ka !== 'long') || (kb !== 'int' && kb !== 'long')) {
    throw badValue('$bit can only be applied to int or long values');
  }
  const x = toExactInteger(current) as bigint;
  const y = toExactInteger(operand) as bigint;
  const r = op === 'and' ? x & y : op === 'or' ? x | y : x ^ y;
  const kind = ka === 'long' || kb === 'long' ? 'long' : 'int';
  return build(
    kind,
    BigInt.asIntN(kind === 'int' ? 32 : 64, r),
    Number(r),
    typeof current === 'number' && typeof operand === 'number',
  );
}
