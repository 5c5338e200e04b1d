/**
 * Index management and unique-index enforcement through the official driver; passes unchanged against
 * a real MongoDB 7 replica set (MONGO_URL).
 */
import { MongoBulkWriteError, MongoServerError, ObjectId } from 'mongodb';
import type { Collection, Db, Document, UpdateFilter } from 'mongodb';
import { useDriverDatabase } from '../support/driver-database';
import { assertNothingLeaked } from '../support/leak-guard';

jest.setTimeout(30_000);

/** Test documents use plain or ObjectId ids and any fields. */
type Row = { _id?: string | number | ObjectId } & Document;

let db: Db;
useDriverDatabase(opened => ({ db } = opened));
let n = 0;

afterEach(() => assertNothingLeaked());

const fresh = (): Collection<Row> => db.collection<Row>(`i${++n}`);

async function rejection(p: Promise<unknown>): Promise<MongoServerError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('index management', () => {
  it('creates, lists and drops indexes with default names', async () => {
    const coll = fresh();
    expect(await coll.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    expect(await coll.createIndex({ 'metadata.responsible.id': 1 })).toBe('metadata.responsible.id_1');
    expect(await coll.createIndex({ email: 1 }, { unique: true, name: 'by_email' })).toBe('by_email');
    const listed = await coll.listIndexes().toArray();
    expect(listed.map(i => i.name)).toEqual(['_id_', 'a_1_b_-1', 'metadata.responsible.id_1', 'by_email']);
    expect(listed.find(i => i.name === 'by_email')).toMatchObject({ key: { email: 1 }, unique: true });
    expect(await coll.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    await coll.dropIndex('a_1_b_-1');
    await db.command({ dropIndexes: coll.collectionName, index: { email: 1 } });
    expect((await coll.listIndexes().toArray()).map(i => i.name)).toEqual([
      '_id_',
      'metadata.responsible.id_1',
    ]);
    expect((await rejection(coll.dropIndex('nope'))).code).toBe(27);
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map(i => i.name)).toEqual(['_id_']);
  });

  it('refuses the same name for another key and the same key under another name', async () => {
    const coll = fresh();
    await coll.createIndex({ a: 1 }, { name: 'x' });
    expect((await rejection(coll.createIndex({ b: 1 }, { name: 'x' }))).code).toBe(86);
    expect((await rejection(coll.createIndex({ a: 1 }, { name: 'y' }))).code).toBe(85);
  });

  it('queries through indexes return the same documents as without', async () => {
    const coll = fresh();
    const users = [new ObjectId(), new ObjectId(), new ObjectId()];
    await coll.createIndexes([
      { key: { assigned_user_ids: 1 } },
      { key: { 'metadata.responsible.id': 1 } },
      { key: { manager: 1, status: 1 } },
    ]);
    await coll.insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        _id: i,
        manager: users[i % 3],
        status: i % 2 ? 'open' : 'done',
        assigned_user_ids: [users[i % 3], users[(i + 1) % 3]],
        metadata: { responsible: [{ id: users[i % 3] }, { id: users[(i + 1) % 3] }] },
      })),
    );
    const count = (filter: Document) => coll.countDocuments(filter);
    expect(await count({ assigned_user_ids: users[0] })).toBe(20);
    expect(await count({ 'metadata.responsible.id': users[1] })).toBe(20);
    expect(await count({ 'metadata.responsible': { $elemMatch: { id: users[2] } } })).toBe(20);
    expect(await count({ manager: users[0] })).toBe(10);
    expect(await count({ manager: { $in: [users[0], users[1]] }, status: 'open' })).toBe(10);
    await coll.updateMany({ assigned_user_ids: users[0] }, {
      $pull: { assigned_user_ids: users[0] },
    } as Document as UpdateFilter<Row>);
    expect(await count({ assigned_user_ids: users[0] })).toBe(0);
    expect(await count({ assigned_user_ids: users[1] })).toBe(20);
  });
});

describe('unique indexes', () => {
  it('single field: E11000 with keyPattern and keyValue, from inserts and updates', async () => {
    const coll = fresh();
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, email: 'a@x.io' });
    const err = await rejection(coll.insertOne({ _id: 2, email: 'a@x.io' }));
    expect(err.code).toBe(11000);
    expect(err.message).toContain('E11000 duplicate key error collection:');
    expect(err.message).toContain('index: email_1 dup key: { email: "a@x.io" }');
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@x.io' });
    await coll.insertOne({ _id: 3, email: 'b@x.io' });
    expect((await rejection(coll.updateOne({ _id: 3 }, { $set: { email: 'a@x.io' } }))).code).toBe(11000);
    expect((await rejection(coll.insertOne({ _id: 1 }))).keyValue).toEqual({ _id: 1 });
  });

  it('compound and sparse unique indexes', async () => {
    const compound = fresh();
    await compound.createIndex({ a: 1, b: 1 }, { unique: true });
    await compound.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
    ]);
    const err = await rejection(compound.insertOne({ a: 1, b: 2 }));
    expect(err).toMatchObject({ code: 11000, keyPattern: { a: 1, b: 1 }, keyValue: { a: 1, b: 2 } });

    const sparse = fresh();
    await sparse.createIndex({ k: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ x: 1 }, { x: 2 }, { k: 'v' }]);
    expect((await rejection(sparse.insertOne({ k: 'v' }))).code).toBe(11000);

    const dense = fresh();
    await dense.createIndex({ k: 1 }, { unique: true });
    await dense.insertOne({ x: 1 });
    expect((await rejection(dense.insertOne({ x: 2 }))).keyValue).toEqual({ k: null });
  });

  it('ordered bulk writes stop at the first error, unordered ones report every error', async () => {
    const ordered = fresh();
    const e1 = (await ordered
      .insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }])
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(e1).toBeInstanceOf(MongoBulkWriteError);
    expect(e1.result.insertedCount).toBe(1);
    expect(e1.writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    expect(await ordered.countDocuments()).toBe(1);

    const unordered = fresh();
    const e2 = (await unordered
      .insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }], { ordered: false })
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(e2.result.insertedCount).toBe(2);
    expect([e2.writeErrors].flat().map(e => e.index)).toEqual([1, 3]);
  });

  it('building a unique index over duplicates fails with 11000', async () => {
    const coll = fresh();
    await coll.insertMany([{ e: 'x' }, { e: 'x' }]);
    expect((await rejection(coll.createIndex({ e: 1 }, { unique: true }))).code).toBe(11000);
    expect((await coll.listIndexes().toArray()).map(i => i.name)).toEqual(['_id_']);
  });
});
