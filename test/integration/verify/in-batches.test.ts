/**
 * verify reads orders, tasks and users in batches of 1,000 and reads the next batch while it audits one:
 * every document comes exactly once, in order, and a reader that stops early leaves no cursor open.
 */
import type { Collection, Db, MongoClient } from 'mongodb';
import { inBatches } from '../../../src/verify/in-batches';
import { assertNothingLeaked } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';

describe('inBatches', () => {
  let mongo: TestMongo;
  let client: MongoClient;
  let db: Db;
  /** Numbered items: `_id` 0..2,499. */
  const items = (): Collection<{ _id: number }> => db.collection<{ _id: number }>('items');

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    client = await mongo.connect();
    db = client.db(mongo.databaseName());
    await items().insertMany(Array.from({ length: 2500 }, (_, n) => ({ _id: n })));
  });
  afterAll(async () => {
    await client.close();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('yields every document once, in order, in batches of 1,000 and the rest', async () => {
    const sizes: number[] = [];
    const ids: unknown[] = [];
    for await (const batch of inBatches(items().find().sort({ _id: 1 }))) {
      sizes.push(batch.length);
      ids.push(...batch.map(item => item._id));
      // The audit's own queries run while the next batch is read.
      await items().countDocuments({ _id: { $in: batch.map(item => item._id) } });
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, n) => n));
  });

  it('closes the cursor when the reader stops after the first batch', async () => {
    const cursor = items().find().sort({ _id: 1 });
    for await (const batch of inBatches(cursor)) {
      expect(batch).toHaveLength(1000);
      break;
    }
    expect(cursor.closed).toBe(true);
  });

  it('an empty result yields nothing', async () => {
    const batches: unknown[] = [];
    for await (const batch of inBatches(items().find({ _id: -1 }))) batches.push(batch);
    expect(batches).toEqual([]);
  });
});
