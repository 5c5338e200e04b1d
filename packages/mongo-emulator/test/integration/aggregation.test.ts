/**
 * Aggregation through the driver; passes unchanged against a real MongoDB 7 replica set (MONGO_URL).
 */
import { Long, ObjectId } from 'mongodb';
import type { Collection, Db, Document } from 'mongodb';
import { useDriverDatabase } from '../support/driver-database';
import { assertNothingLeaked } from '../support/leak-guard';

jest.setTimeout(30_000);

type Row = { _id?: string | number | ObjectId } & Document;

let db: Db;
useDriverDatabase(opened => ({ db } = opened));
let orders: Collection<Row>;
const [ann, bo] = [new ObjectId(), new ObjectId()];

beforeAll(async () => {
  await db.collection<Row>('users').insertMany([
    { _id: ann, name: 'ann', team: 'x' },
    { _id: bo, name: 'bo', team: 'y' },
  ]);
  orders = db.collection<Row>('orders');
  await orders.insertMany([
    { _id: 1, user: ann, total: 10, items: ['a', 'b'], status: 'open' },
    { _id: 2, user: ann, total: 2.5, items: ['b'], status: 'done' },
    { _id: 3, user: bo, total: 7, items: [], status: 'open' },
  ]);
});

afterEach(() => assertNothingLeaked());

const run = (pipeline: Document[]) => orders.aggregate(pipeline).toArray();

describe('aggregation', () => {
  it('$match, $project, $addFields/$set, $unset, $sort, $skip, $limit', async () => {
    expect(
      await run([
        { $match: { status: 'open' } },
        { $addFields: { double: { $multiply: ['$total', 2] } } },
        { $set: { n: { $size: '$items' } } },
        { $unset: ['items', 'user'] },
        { $project: { status: 0 } },
        { $sort: { total: -1 } },
      ]),
    ).toEqual([
      { _id: 1, total: 10, double: 20, n: 2 },
      { _id: 3, total: 7, double: 14, n: 0 },
    ]);
    expect(await run([{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 1 }, { $project: { _id: 1 } }])).toEqual(
      [{ _id: 2 }],
    );
  });

  it('$group with accumulators, $count and $sortByCount over $unwind', async () => {
    const grouped = await run([
      { $group: { _id: '$user', total: { $sum: '$total' }, n: { $sum: 1 }, max: { $max: '$total' } } },
      { $sort: { total: -1 } },
    ]);
    expect(grouped).toEqual([
      { _id: ann, total: 12.5, n: 2, max: 10 },
      { _id: bo, total: 7, n: 1, max: 7 },
    ]);
    expect(await run([{ $unwind: '$items' }, { $count: 'items' }])).toEqual([{ items: 3 }]);
    expect(await run([{ $match: { status: 'none' } }, { $count: 'n' }])).toEqual([]);
    expect(await run([{ $unwind: '$items' }, { $sortByCount: '$items' }, { $limit: 1 }])).toEqual([
      { _id: 'b', count: 2 },
    ]);
  });

  it('$lookup with localField/foreignField and with let/pipeline', async () => {
    const joined = await run([
      { $sort: { _id: 1 } },
      { $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'u' } },
      { $project: { names: '$u.name' } },
    ]);
    expect(joined).toEqual([
      { _id: 1, names: ['ann'] },
      { _id: 2, names: ['ann'] },
      { _id: 3, names: ['bo'] },
    ]);
    const viaPipeline = await db
      .collection('users')
      .aggregate([
        { $sort: { name: 1 } },
        {
          $lookup: {
            from: 'orders',
            let: { uid: '$_id' },
            pipeline: [
              { $match: { $expr: { $eq: ['$user', '$$uid'] } } },
              { $group: { _id: null, spent: { $sum: '$total' } } },
            ],
            as: 'spent',
          },
        },
        { $project: { _id: 0, name: 1, spent: { $first: '$spent.spent' } } },
      ])
      .toArray();
    expect(viaPipeline).toEqual([
      { name: 'ann', spent: 12.5 },
      { name: 'bo', spent: 7 },
    ]);
  });

  it('$facet and $replaceRoot', async () => {
    const [facets] = await run([
      {
        $facet: {
          open: [{ $match: { status: 'open' } }, { $count: 'n' }],
          totals: [{ $group: { _id: null, sum: { $sum: '$total' } } }, { $project: { _id: 0 } }],
        },
      },
    ]);
    expect(facets).toEqual({ open: [{ n: 2 }], totals: [{ sum: 19.5 }] });
    expect(
      await run([{ $match: { _id: 3 } }, { $replaceRoot: { newRoot: { who: '$user', t: '$total' } } }]),
    ).toEqual([{ who: bo, t: 7 }]);
  });

  it('keeps stored types through $match/$project', async () => {
    const typed = db.collection<Row>('typed');
    await typed.insertOne({ _id: 1, big: Long.fromString('9007199254740993') });
    const [doc] = await typed
      .aggregate([{ $match: { _id: 1 } }, { $project: { big: 1 } }], { promoteLongs: false })
      .toArray();
    expect(doc.big).toEqual(Long.fromString('9007199254740993'));
  });

  it('database-level aggregate with $documents', async () => {
    const out = await db
      .aggregate([
        { $documents: [{ a: 1 }, { a: 2 }, { a: 3 }] },
        { $match: { a: { $gte: 2 } } },
        { $group: { _id: null, s: { $sum: '$a' } } },
      ])
      .toArray();
    expect(out).toEqual([{ _id: null, s: 5 }]);
  });
});
