import { Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { Aggregator } from 'mingo';
import { fromMingo, toMingo } from '../../../src/change-streams/mingo-values';

describe('bson values for mingo', () => {
  const doc = {
    _id: new ObjectId(),
    int: new Int32(10),
    double: new Double(2.5),
    long: Long.fromNumber(9),
    decimal: Decimal128.fromString('1.5'),
    ts: new Timestamp({ t: 10, i: 2 }),
    nested: { list: [new Int32(1), 'a'] },
    when: new Date(0),
  };

  it('compares numbers of every bson type as numbers, and Timestamps in order', () => {
    const run = (filter: object) =>
      new Aggregator([{ $match: toMingo(filter) }] as never).run([toMingo(doc) as never]);
    expect(run({ int: { $gt: 9 } })).toHaveLength(1);
    expect(run({ int: new Int32(9) })).toHaveLength(0);
    expect(run({ long: { $lt: new Int32(10) }, double: 2.5, decimal: { $gte: 1.5 } })).toHaveLength(1);
    expect(run({ ts: { $gt: new Timestamp({ t: 9, i: 100 }) } })).toHaveLength(1);
    expect(run({ ts: { $gt: new Timestamp({ t: 10, i: 2 }) } })).toHaveLength(0);
    expect(run({ 'nested.list': 1 })).toHaveLength(1);
  });

  it('round-trips untouched values to their original bson types without touching the input', () => {
    const translated = toMingo(doc);
    const restored = fromMingo(translated, doc) as typeof doc;
    expect(restored).toEqual(doc);
    expect(restored.int).toBeInstanceOf(Int32);
    expect(restored.long).toBeInstanceOf(Long);
    expect(restored.ts).toBeInstanceOf(Timestamp);
    expect(restored.nested.list[0]).toBeInstanceOf(Int32);
    expect(restored.nested).not.toBe(doc.nested);
  });

  it('leaves computed numbers as numbers', () => {
    expect(fromMingo({ int: 11 }, doc)).toEqual({ int: 11 });
  });
});
