/**
 * `let` variables, read as `$$name` in `$expr`, pipelines and projections of find, aggregate, update,
 * delete and findAndModify. Runs unchanged against MongoDB 7 (MONGO_URL).
 */
import type { Db, Document } from 'mongodb';
import { useDriverDatabase } from '../support/driver-database';

let db: Db;
useDriverDatabase(opened => ({ db } = opened));
let n = 0;

async function fresh(docs: ({ _id: number } & Document)[]) {
  const coll = db.collection<{ _id: number } & Document>(`let${++n}`);
  await coll.insertMany(docs);
  return coll;
}

const people = () => [
  { _id: 1, name: 'Ann', age: 30 },
  { _id: 2, name: 'Bob', age: 40 },
  { _id: 3, name: 'Cid', age: 50 },
];

describe('let', () => {
  it('find: $expr reads a variable; a plain "$$x" outside $expr stays a string', async () => {
    const coll = await fresh([...people(), { _id: 4, name: '$$min', age: 1 }]);
    const found = await coll.find({ $expr: { $gte: ['$age', '$$min'] } }, { let: { min: 40 } }).toArray();
    expect(found.map(d => d._id)).toEqual([2, 3]);
    expect(await coll.find({ name: '$$min' }, { let: { min: 40 } }).toArray()).toEqual([
      { _id: 4, name: '$$min', age: 1 },
    ]);
  });

  it('aggregate: variables, computed ones and sub-paths, in $match and $project', async () => {
    const coll = await fresh(people());
    const out = await coll
      .aggregate(
        [
          { $match: { $expr: { $lt: ['$age', '$$limits.max'] } } },
          { $project: { _id: 0, name: 1, label: { $concat: ['$name', '$$suffix'] } } },
        ],
        { let: { limits: { max: { $add: [40, 5] } }, suffix: '!' } },
      )
      .toArray();
    expect(out).toEqual([
      { name: 'Ann', label: 'Ann!' },
      { name: 'Bob', label: 'Bob!' },
    ]);
  });

  it('update (pipeline), delete and findAndModify', async () => {
    const coll = await fresh(people());
    await coll.updateMany({ $expr: { $eq: ['$age', '$$age'] } }, [{ $set: { tag: '$$tag' } }], {
      let: { age: 30, tag: 'young' },
    });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'Ann', age: 30, tag: 'young' });
    const removed = await coll.deleteMany({ $expr: { $gt: ['$age', '$$age'] } }, { let: { age: 45 } });
    expect(removed.deletedCount).toBe(1);
    const before = await coll.findOneAndUpdate(
      { $expr: { $eq: ['$name', '$$who'] } },
      [{ $set: { age: { $add: ['$age', '$$years'] } } }],
      { let: { who: 'Bob', years: 1 }, returnDocument: 'after' },
    );
    expect(before).toEqual({ _id: 2, name: 'Bob', age: 41 });
  });
});
