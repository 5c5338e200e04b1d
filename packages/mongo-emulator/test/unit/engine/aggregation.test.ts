import { Double, Int32, Long, ObjectId } from 'bson';
import type { Document } from '../../../src/types';
import { DB, newFixture } from './engine-fixture';

function shop() {
  const f = newFixture();
  const u1 = new ObjectId();
  const u2 = new ObjectId();
  f.insert('users', { _id: u1, name: 'ann' }, { _id: u2, name: 'bo' });
  f.insert(
    'orders',
    { _id: 1, user: u1, total: new Int32(10), items: ['a', 'b'], big: Long.fromString('9007199254740993') },
    { _id: 2, user: u1, total: new Double(2.5), items: ['b'] },
    { _id: 3, user: u2, total: new Int32(7), items: [] },
  );
  const run = (pipeline: Document[], coll: string | null = 'orders') =>
    f.engine.aggregate(DB, coll, pipeline);
  return { f, u1, u2, run };
}

describe('aggregation', () => {
  it('$match (engine matcher), $project, $addFields, $unset keep stored types of untouched values', () => {
    const { run } = shop();
    const [doc] = run([
      { $match: { total: { $gte: new Int32(10) } } },
      { $addFields: { twice: { $multiply: ['$total', 2] } } },
      { $unset: 'items' },
    ]);
    expect(doc).toStrictEqual({
      _id: 1,
      user: doc.user,
      total: new Int32(10),
      big: Long.fromString('9007199254740993'),
      twice: new Int32(20),
    });
  });

  it('$group with $sum over mixed numeric types, $sort, $skip, $limit', () => {
    const { run, u1, u2 } = shop();
    const out = run([
      { $group: { _id: '$user', sum: { $sum: '$total' }, n: { $sum: 1 } } },
      { $sort: { sum: -1 } },
    ]);
    expect(out).toStrictEqual([
      { _id: u1, sum: new Double(12.5), n: new Int32(2) },
      { _id: u2, sum: new Int32(7), n: new Int32(1) },
    ]);
    expect(run([{ $sort: { _id: -1 } }, { $skip: 1 }, { $limit: 1 }]).map(d => d._id)).toStrictEqual([2]);
  });

  it('$unwind, $count, $sortByCount, $facet, $replaceRoot', () => {
    const { run } = shop();
    expect(run([{ $unwind: '$items' }, { $count: 'n' }])).toStrictEqual([{ n: new Int32(3) }]);
    expect(run([{ $unwind: '$items' }, { $sortByCount: '$items' }])[0]).toStrictEqual({
      _id: 'b',
      count: new Int32(2),
    });
    const [facets] = run([
      { $facet: { cheap: [{ $match: { total: { $lt: 8 } } }, { $count: 'n' }], all: [{ $count: 'n' }] } },
    ]);
    expect(facets).toStrictEqual({ cheap: [{ n: new Int32(2) }], all: [{ n: new Int32(3) }] });
    expect(run([{ $match: { _id: 1 } }, { $replaceRoot: { newRoot: { t: '$total' } } }])).toStrictEqual([
      { t: new Int32(10) },
    ]);
  });

  it('$lookup by localField/foreignField (ObjectId keys) and by pipeline with let', () => {
    const { run } = shop();
    const joined = run([
      { $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'u' } },
      { $sort: { _id: 1 } },
    ]);
    expect(joined.map(d => d.u.map((u: Document) => u.name))).toEqual([['ann'], ['ann'], ['bo']]);
    const viaPipeline = run([
      { $match: { _id: 3 } },
      {
        $lookup: {
          from: 'users',
          let: { uid: '$user' },
          pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$uid'] } } }, { $project: { _id: 0, name: 1 } }],
          as: 'u',
        },
      },
    ]);
    expect(viaPipeline[0].u).toEqual([{ name: 'bo' }]);
    const combined = run([
      { $match: { _id: 1 } },
      {
        $lookup: {
          from: 'orders',
          localField: 'user',
          foreignField: 'user',
          pipeline: [{ $project: { _id: 1 } }],
          as: 'mine',
        },
      },
    ]);
    expect(combined[0].mine).toStrictEqual([{ _id: new Int32(1) }, { _id: new Int32(2) }]);
  });

  it('sorts by BSON order, not by mingo order', () => {
    const f = newFixture();
    f.insert(
      'm',
      { _id: 1, v: true },
      { _id: 2, v: 'x' },
      { _id: 3, v: new Int32(5) },
      { _id: 4, v: new ObjectId() },
      { _id: 5 },
    );
    expect(f.engine.aggregate(DB, 'm', [{ $sort: { v: 1 } }]).map(d => d._id)).toStrictEqual([5, 3, 2, 4, 1]);
  });

  it('answers a leading $match on an indexed field without scanning', () => {
    const { f, u2, run } = shop();
    f.engine.createIndexes(DB, 'orders', [{ key: { user: 1 }, name: 'user_1' }]);
    const before = f.engine.collectionStats(DB, 'orders')?.docsExamined ?? 0;
    expect(run([{ $match: { user: u2 } }])).toHaveLength(1);
    expect((f.engine.collectionStats(DB, 'orders')?.docsExamined ?? 0) - before).toBe(1);
  });

  it('database-level aggregate with $documents, and clear errors for unsupported stages', () => {
    const { run } = shop();
    expect(run([{ $documents: [{ a: 1 }, { a: 2 }] }, { $match: { a: 2 } }], null)).toStrictEqual([
      { a: new Int32(2) },
    ]);
    expect(() => run([{ $out: 'x' }])).toThrow(expect.objectContaining({ code: 2 }));
    expect(run([{ $count: 'n' }], 'nothing-here')).toEqual([]);
  });
});
