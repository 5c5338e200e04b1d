/**
 * Multi-document transactions through the driver and mongoose; passes unchanged against a real
 * MongoDB 7 replica set (MONGO_URL).
 */
import { MongoServerError } from 'mongodb';
import type { ChangeStreamDocument, ClientSession, Db, Document, MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { useDriverDatabase } from '../support/driver-database';
import type { TestMongo } from '../support/mongo';
import { assertNothingLeaked, trackChangeStream, trackMongooseConnection } from '../support/leak-guard';

jest.setTimeout(30_000);

type Row = { _id?: string | number } & Document;

let mongo: TestMongo;
let client: MongoClient;
let db: Db;
useDriverDatabase(opened => ({ mongo, client, db } = opened));
let n = 0;

afterEach(() => assertNothingLeaked());

/** A fresh, existing collection (creating collections inside transactions is avoided for portability). */
async function fresh(docs: Row[] = []) {
  const coll = db.collection<Row>(`t${++n}`);
  await db.createCollection(coll.collectionName);
  if (docs.length) await coll.insertMany(docs);
  return coll;
}

async function withSession<T>(run: (session: ClientSession) => Promise<T>): Promise<T> {
  const session = client.startSession();
  try {
    return await run(session);
  } finally {
    await session.endSession();
  }
}

describe('driver transactions', () => {
  it('keeps writes private until commit; reads inside see them', async () => {
    const coll = await fresh([{ _id: 1, v: 0 }]);
    await withSession(session =>
      session.withTransaction(async () => {
        await coll.insertOne({ _id: 2, v: 0 }, { session });
        await coll.updateOne({ _id: 1 }, { $inc: { v: 5 } }, { session });
        await coll.updateOne({ _id: 3 }, { $set: { v: 9 } }, { session, upsert: true });
        expect(await coll.find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([
          { _id: 1, v: 5 },
          { _id: 2, v: 0 },
          { _id: 3, v: 9 },
        ]);
        expect(
          await coll.aggregate([{ $group: { _id: null, total: { $sum: '$v' } } }], { session }).toArray(),
        ).toEqual([{ _id: null, total: 14 }]);
        expect(await coll.find().toArray()).toEqual([{ _id: 1, v: 0 }]);
      }),
    );
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, v: 5 },
      { _id: 2, v: 0 },
      { _id: 3, v: 9 },
    ]);
  });

  it('abort discards every write', async () => {
    const coll = await fresh([{ _id: 1, v: 0 }]);
    await withSession(async session => {
      session.startTransaction();
      await coll.insertOne({ _id: 2 }, { session });
      await coll.deleteOne({ _id: 1 }, { session });
      await session.abortTransaction();
    });
    expect(await coll.find().toArray()).toEqual([{ _id: 1, v: 0 }]);
  });

  it('publishes committed changes to change streams with lsid and txnNumber', async () => {
    const coll = await fresh();
    const stream = trackChangeStream(coll.watch());
    try {
      await stream.tryNext();
      await withSession(session =>
        session.withTransaction(async () => {
          await coll.insertOne({ _id: 'a' }, { session });
          await coll.insertOne({ _id: 'b' }, { session });
        }),
      );
      const events: ChangeStreamDocument<Row>[] = [await stream.next(), await stream.next()];
      expect(events.map(e => (e as { documentKey: Row }).documentKey._id)).toEqual(['a', 'b']);
      for (const e of events) {
        expect(e).toHaveProperty('lsid');
        expect(e).toHaveProperty('txnNumber');
      }
    } finally {
      await stream.close();
    }
  });

  it('a second transaction writing the same document gets a transient WriteConflict', async () => {
    const coll = await fresh([{ _id: 1, v: 0 }]);
    const a = client.startSession();
    const b = client.startSession();
    try {
      a.startTransaction();
      b.startTransaction();
      await coll.updateOne({ _id: 1 }, { $inc: { v: 1 } }, { session: a });
      const error = (await coll
        .updateOne({ _id: 1 }, { $inc: { v: 10 } }, { session: b })
        .catch((e: unknown) => e)) as MongoServerError;
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error.code).toBe(112);
      expect(error.hasErrorLabel('TransientTransactionError')).toBe(true);
      await b.abortTransaction();
      await a.commitTransaction();
    } finally {
      await a.endSession();
      await b.endSession();
    }
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, v: 1 });
  });

  it('a duplicate key inside a transaction fails it and nothing is committed', async () => {
    const coll = await fresh([{ _id: 1, email: 'a' }]);
    await coll.createIndex({ email: 1 }, { unique: true });
    const error = await withSession(session =>
      session
        .withTransaction(async () => {
          await coll.insertOne({ _id: 2, email: 'b' }, { session });
          await coll.insertOne({ _id: 3, email: 'a' }, { session });
        })
        .catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ code: 11000 });
    expect(await coll.countDocuments()).toBe(1);
  });
});

describe('what a transaction refuses or takes back', () => {
  it('count inside a transaction is OperationNotSupportedInTransaction (263)', async () => {
    const coll = await fresh([{ _id: 1 }]);
    await withSession(async session => {
      session.startTransaction();
      const error = await db
        .command({ count: coll.collectionName }, { session })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 263, codeName: 'OperationNotSupportedInTransaction' });
      await session.abortTransaction();
    });
  });

  it('a collection a transaction created implicitly is gone after its abort', async () => {
    const name = `implicit${++n}`;
    await withSession(async session => {
      session.startTransaction();
      await db.collection<Row>(name).insertOne({ _id: 1 }, { session });
      await session.abortTransaction();
    });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map(c => c.name);
    expect(names).not.toContain(name);
  });

  it('a collection a transaction created implicitly stays after its commit', async () => {
    const name = `implicit${++n}`;
    await withSession(session =>
      session.withTransaction(async () => {
        await db.collection<Row>(name).insertOne({ _id: 1 }, { session });
      }),
    );
    expect(await db.collection<Row>(name).find().toArray()).toEqual([{ _id: 1 }]);
  });
});

describe('mongoose transactions', () => {
  it('connection.transaction commits, and rolls back when the callback throws', async () => {
    const connection = trackMongooseConnection(
      await mongoose.createConnection(mongo.uri, { dbName: db.databaseName, autoIndex: false }).asPromise(),
    );
    try {
      const User = connection.model(
        'User',
        new mongoose.Schema({ email: { type: String, unique: true }, name: String }),
        `users${++n}`,
      );
      await User.createCollection();
      await User.syncIndexes();
      await connection.transaction(async session => {
        await User.create([{ email: 'a@x.io', name: 'A' }], { session });
        await User.updateOne({ email: 'a@x.io' }, { $set: { name: 'AA' } }, { session });
      });
      expect(await User.findOne({ email: 'a@x.io' }).lean()).toMatchObject({ name: 'AA' });

      await expect(
        connection.transaction(async session => {
          await User.create([{ email: 'b@x.io', name: 'B' }], { session });
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      await expect(
        connection.transaction(async session => {
          await User.create([{ email: 'c@x.io' }], { session });
          await User.create([{ email: 'a@x.io' }], { session });
        }),
      ).rejects.toMatchObject({ code: 11000 });
      expect((await User.find().lean()).map(u => u.email)).toEqual(['a@x.io']);
    } finally {
      await connection.close();
    }
  });
});
