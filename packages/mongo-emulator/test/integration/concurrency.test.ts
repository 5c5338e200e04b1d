/**
 * Many clients at once: each connection's commands run in order, connections interleave, and every
 * single-document write is atomic, so concurrent $inc never lose an update.
 */
import { MongoClient } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { acquireTestMongo } from '../support/mongo';
import type { TestMongo } from '../support/mongo';

// A project-level testTimeout is not honoured by jest (it is a global option): set it here.
jest.setTimeout(30_000);

/** Test documents use plain ids and any fields. */
type Row = { _id?: string | number } & Document;

let mongo: TestMongo;
let db: Db;
let clients: MongoClient[] = [];
const CLIENTS = 50;
const INCREMENTS = 10;

beforeAll(async () => {
  mongo = await acquireTestMongo();
  clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => new MongoClient(mongo.uri, { maxPoolSize: 5 }).connect()),
  );
  db = clients[0].db(mongo.databaseName());
});

afterAll(async () => {
  await db?.dropDatabase();
  await Promise.all(clients.map(client => client.close()));
  await mongo?.release();
});

it('50 clients doing $inc on one document reach the exact count', async () => {
  await db.collection<Row>('counter').insertOne({ _id: 'c', n: 0 });
  await Promise.all(
    clients.map(async client => {
      const coll = client.db(db.databaseName).collection<Row>('counter');
      await Promise.all(
        Array.from({ length: INCREMENTS }, () => coll.updateOne({ _id: 'c' }, { $inc: { n: 1 } })),
      );
    }),
  );
  expect(await db.collection<Row>('counter').findOne({ _id: 'c' })).toEqual({
    _id: 'c',
    n: CLIENTS * INCREMENTS,
  });
});

it('interleaved inserts and reads from every client all land', async () => {
  await Promise.all(
    clients.map(async (client, i) => {
      const coll = client.db(db.databaseName).collection<Row>('mixed');
      for (let j = 0; j < 5; j++) {
        await coll.insertOne({ client: i, j });
        expect(await coll.countDocuments({ client: i })).toBe(j + 1);
      }
    }),
  );
  expect(await db.collection<Row>('mixed').countDocuments()).toBe(CLIENTS * 5);
});

it('findOneAndUpdate hands out every ticket exactly once', async () => {
  await db
    .collection<Row>('tickets')
    .insertMany(Array.from({ length: CLIENTS }, (_, i) => ({ _id: i, taken: false })));
  const taken = await Promise.all(
    clients.map(client =>
      client
        .db(db.databaseName)
        .collection<Row>('tickets')
        .findOneAndUpdate({ taken: false }, { $set: { taken: true } }),
    ),
  );
  const ids = taken.map(doc => doc?._id);
  expect(new Set(ids).size).toBe(CLIENTS);
});
