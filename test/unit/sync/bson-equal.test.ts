import { Binary, BSON, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'mongodb';
import { bsonBytes, bsonEqual } from '../../../src/sync/bson-equal';

const id = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
const meta = { id, name: 'Ann', email: 'a@example.com', phone: null, image: 'https://img/a.png' };

/** Values as the driver hands them over, and some it never does; each is compared with every other. */
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  -0,
  1,
  1.5,
  NaN,
  2 ** 40,
  new Int32(1),
  new Double(1),
  new Double(1.5),
  Long.fromNumber(1),
  1n,
  new Decimal128('1'),
  '',
  '1',
  'Ann',
  true,
  false,
  id,
  new ObjectId('64b7f0c2a1b2c3d4e5f60719'),
  new Date(0),
  new Date(1),
  new Binary(Buffer.from('ab')),
  new Timestamp({ t: 1, i: 1 }),
  [],
  [null],
  [undefined],
  [1, 2],
  [2, 1],
  {},
  { a: null },
  { a: undefined },
  { a: 1, b: 2 },
  { b: 2, a: 1 },
  meta,
  { ...meta },
  { ...meta, name: 'Bo' },
  { ...meta, phone: undefined },
  [meta, { ...meta, id: new ObjectId('64b7f0c2a1b2c3d4e5f60719') }],
  { nested: { deeper: [meta] } },
  BSON.deserialize(BSON.serialize({ v: meta })).v,
];

describe('bsonEqual', () => {
  it('answers exactly as comparing the encoded bytes does, for every pair of values', () => {
    const disagreements: string[] = [];
    VALUES.forEach((left, i) =>
      VALUES.forEach((right, j) => {
        const bytes = bsonBytes(left).equals(bsonBytes(right));
        if (bsonEqual(left, right) !== bytes) disagreements.push(`#${i} vs #${j}: bytes say ${bytes}`);
      }),
    );
    expect(disagreements).toEqual([]);
  });

  it('is field-order and type sensitive, as MongoDB compares embedded documents', () => {
    expect(bsonEqual({ id, a: 1 }, { id: new ObjectId(id.toHexString()), a: 1 })).toBe(true);
    expect(bsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(bsonEqual(new Int32(1), new Double(1))).toBe(false);
    expect(bsonEqual(null, undefined)).toBe(false);
    expect(bsonEqual([{ x: 'a' }], [{ x: 'a' }])).toBe(true);
  });

  it('tells a copy that differs in one field, or in field order, from the rule', () => {
    expect(bsonEqual({ ...meta }, meta)).toBe(true);
    expect(bsonEqual({ ...meta, email: 'b@example.com' }, meta)).toBe(false);
    const { id: _id, ...rest } = meta;
    expect(bsonEqual({ ...rest, id }, meta)).toBe(false);
  });
});
