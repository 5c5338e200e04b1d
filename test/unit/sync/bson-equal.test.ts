import { Int32, Double, ObjectId } from 'mongodb';
import { bsonEqual } from '../../../src/sync/bson-equal';

describe('bsonEqual', () => {
  it('is field-order and type sensitive, as MongoDB compares embedded documents', () => {
    const id = new ObjectId();
    expect(bsonEqual({ id, a: 1 }, { id: new ObjectId(id.toHexString()), a: 1 })).toBe(true);
    expect(bsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(bsonEqual(new Int32(1), new Double(1))).toBe(false);
    expect(bsonEqual(null, undefined)).toBe(false);
    expect(bsonEqual([{ x: 'a' }], [{ x: 'a' }])).toBe(true);
  });
});
