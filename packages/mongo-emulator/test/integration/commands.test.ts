/**
 * Every command the emulator implements, through the official driver, so the same file runs against a
 * real replica set (MONGO_URL) to prove the emulator answers as MongoDB does.
 */
import { Long, MongoClient, MongoServerError } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import pino from 'pino';
import { useDriverDatabase } from '../support/driver-database';
import type { TestMongo } from '../support/mongo';
import { startMongoEmulator } from '../../src';
import { RawClient, opMsg } from './raw-client';
import { assertNothingLeaked, trackChangeStream, trackMongooseConnection } from '../support/leak-guard';

// A project-level testTimeout is not honoured by jest (it is a global option): set it here.
jest.setTimeout(30_000);

/** Test documents use plain ids and any fields. */
type Row = { _id?: string | number } & Document;

let mongo: TestMongo;
let client: MongoClient;
let db: Db;
useDriverDatabase(opened => ({ mongo, client, db } = opened));

afterEach(() => assertNothingLeaked());

const admin = () => client.db('admin');

describe('server commands', () => {
  it('ping', async () => {
    expect(await admin().command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('buildInfo reports a version and its array', async () => {
    const info = await admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.versionArray.slice(0, 1)).toEqual([Number(info.version.split('.')[0])]);
  });

  it.each([
    [
      { getParameter: 1, featureCompatibilityVersion: 1 },
      { featureCompatibilityVersion: { version: expect.any(String) } },
    ],
    [{ getLog: 'startupWarnings' }, { log: expect.any(Array) }],
    [{ serverStatus: 1 }, { host: expect.any(String), connections: { current: expect.any(Number) } }],
    [{ hostInfo: 1 }, { system: expect.any(Object), os: expect.any(Object) }],
    [{ connectionStatus: 1 }, { authInfo: expect.any(Object) }],
    [{ replSetGetStatus: 1 }, { set: expect.any(String), myState: 1 }],
    [{ killAllSessions: [] }, {}],
  ])('%j', async (command, expected) => {
    expect(await admin().command(command)).toMatchObject({ ...expected, ok: 1 });
  });

  it('answers an unknown command with CommandNotFound at once', async () => {
    const started = Date.now();
    const error = await db.command({ frobnicate: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
      errmsg: "no such command: 'frobnicate'",
    });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('carries operationTime and $clusterTime on replies and errors', async () => {
    const ok = await db.command({ ping: 1 });
    expect(ok.operationTime).toBeDefined();
    expect(ok.$clusterTime.signature.keyId).toBeDefined();
    const error = (await db.command({ frobnicate: 1 }).catch((e: unknown) => e)) as MongoServerError;
    expect(error.errorResponse.$clusterTime).toBeDefined();
  });
});

describe('databases and collections', () => {
  it('create, listCollections (filter, nameOnly), collMod, drop', async () => {
    await db.createCollection('created');
    const duplicate = await db.command({ create: 'created' }).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: 48 });
    const listed = await db.listCollections({ name: 'created' }).toArray();
    expect(listed).toEqual([expect.objectContaining({ name: 'created', type: 'collection', options: {} })]);
    expect(await db.listCollections({}, { nameOnly: true }).toArray()).toContainEqual({
      name: 'created',
      type: 'collection',
    });
    await db.command({ collMod: 'created', changeStreamPreAndPostImages: { enabled: true } });
    const [modified] = await db.listCollections({ name: 'created' }).toArray();
    expect(modified).toMatchObject({ options: { changeStreamPreAndPostImages: { enabled: true } } });
    expect(await db.dropCollection('created')).toBe(true);
    expect(await db.listCollections({ name: 'created' }).toArray()).toEqual([]);
  });

  it('listDatabases and dropDatabase', async () => {
    const other = client.db(mongo.databaseName());
    await other.collection<Row>('c').insertOne({ a: 1 });
    const { databases } = await admin().command({ listDatabases: 1, nameOnly: true });
    expect(databases).toContainEqual({ name: other.databaseName });
    await other.dropDatabase();
    const after = await admin().admin().listDatabases();
    expect(after.databases.map(d => d.name)).not.toContain(other.databaseName);
  });
});

describe('indexes', () => {
  it('createIndexes, listIndexes, dropIndexes', async () => {
    const coll = db.collection<Row>('indexed');
    await coll.createIndex({ email: 1 }, { unique: true, name: 'email_1' });
    const indexes = await coll.listIndexes().toArray();
    expect(indexes.map(index => index.name).sort()).toEqual(['_id_', 'email_1']);
    expect(indexes.find(index => index.name === 'email_1')).toMatchObject({
      key: { email: 1 },
      unique: true,
    });
    await coll.dropIndex('email_1');
    expect((await coll.listIndexes().toArray()).map(index => index.name)).toEqual(['_id_']);
  });

  it('listIndexes on a missing collection is NamespaceNotFound', async () => {
    await expect(db.collection<Row>('missing').listIndexes().toArray()).rejects.toMatchObject({ code: 26 });
  });
});

describe('CRUD', () => {
  const coll = () => db.collection<{ _id: number; n?: number; tag?: string }>('crud');

  it('insert, find, update, delete, findAndModify, count, distinct', async () => {
    await coll().insertMany([
      { _id: 1, n: 1, tag: 'a' },
      { _id: 2, n: 2, tag: 'b' },
      { _id: 3, n: 3, tag: 'a' },
    ]);
    expect(await coll().find({ tag: 'a' }).sort({ _id: -1 }).toArray()).toEqual([
      { _id: 3, n: 3, tag: 'a' },
      { _id: 1, n: 1, tag: 'a' },
    ]);
    expect(await coll().updateMany({ tag: 'a' }, { $inc: { n: 10 } })).toMatchObject({
      matchedCount: 2,
      modifiedCount: 2,
    });
    expect(await coll().updateOne({ _id: 9 }, { $set: { n: 9 } }, { upsert: true })).toMatchObject({
      upsertedId: 9,
      upsertedCount: 1,
    });
    const before = await coll().findOneAndUpdate(
      { _id: 2 },
      { $set: { n: 20 } },
      { returnDocument: 'before' },
    );
    expect(before).toEqual({ _id: 2, n: 2, tag: 'b' });
    expect(await coll().findOneAndDelete({ _id: 9 })).toEqual({ _id: 9, n: 9 });
    expect(await coll().estimatedDocumentCount()).toBe(3);
    expect(await coll().countDocuments({ n: { $gt: 5 } })).toBe(3);
    expect((await coll().distinct('tag')).sort()).toEqual(['a', 'b']);
    expect(await coll().deleteMany({ tag: 'a' })).toMatchObject({ deletedCount: 2 });
    expect(await coll().find().toArray()).toEqual([{ _id: 2, n: 20, tag: 'b' }]);
  });

  it('keeps Int32, Double and Long distinct', async () => {
    const typed = db.collection<Row>('typed');
    await typed.insertOne({ _id: 1, i: 1, d: 1.5, l: Long.fromNumber(2) });
    const [doc] = await typed.find({}, { promoteLongs: false }).toArray();
    expect(doc.l).toBeInstanceOf(Long);
    expect(
      await typed.countDocuments({ i: { $type: 'int' }, d: { $type: 'double' }, l: { $type: 'long' } }),
    ).toBe(1);
  });

  it('reports a duplicate key as a write error', async () => {
    await expect(coll().insertOne({ _id: 2 })).rejects.toMatchObject({ code: 11000 });
  });

  it('aggregate on a collection and at database level', async () => {
    await db.collection<Row>('agg').insertMany([
      { k: 'x', v: 1 },
      { k: 'x', v: 2 },
      { k: 'y', v: 5 },
    ]);
    const grouped = await db
      .collection<Row>('agg')
      .aggregate([{ $group: { _id: '$k', total: { $sum: '$v' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(grouped).toEqual([
      { _id: 'x', total: 3 },
      { _id: 'y', total: 5 },
    ]);
    const docs = await db.aggregate([{ $documents: [{ a: 1 }, { a: 2 }] }]).toArray();
    expect(docs).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('cursors', () => {
  const total = 250;

  beforeAll(async () => {
    await db.collection<Row>('paged').insertMany(Array.from({ length: total }, (_, i) => ({ _id: i })));
  });

  it('find returns 101 first, then the rest in one getMore', async () => {
    const first = await db.command({ find: 'paged', filter: {}, sort: { _id: 1 } });
    expect(first.cursor.firstBatch).toHaveLength(101);
    expect(Number(first.cursor.id)).not.toBe(0);
    expect(first.cursor.ns).toBe(`${db.databaseName}.paged`);
    const more = await db.command({ getMore: first.cursor.id, collection: 'paged' });
    expect(more.cursor.nextBatch).toHaveLength(total - 101);
    expect(Number(more.cursor.id)).toBe(0);
  });

  it('honours batchSize across getMores and reads every document once', async () => {
    const seen: number[] = [];
    const cursor = db.collection<Row>('paged').find({}, { batchSize: 40 }).sort({ _id: 1 });
    for await (const doc of cursor) seen.push(doc._id as unknown as number);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('limit, negative limit and singleBatch close the cursor', async () => {
    const limited = await db.command({ find: 'paged', limit: 5, batchSize: 2 });
    expect(limited.cursor.firstBatch).toHaveLength(2);
    const single = await db.command({ find: 'paged', limit: -7 });
    expect(single.cursor.firstBatch).toHaveLength(7);
    expect(Number(single.cursor.id)).toBe(0);
    const batch = await db.command({ find: 'paged', batchSize: 3, singleBatch: true });
    expect(batch.cursor.firstBatch).toHaveLength(3);
    expect(Number(batch.cursor.id)).toBe(0);
  });

  it('killCursors, after which getMore is CursorNotFound', async () => {
    const first = await db.command({ find: 'paged', batchSize: 10 });
    const killed = await db.command({ killCursors: 'paged', cursors: [first.cursor.id] });
    expect(killed.cursorsKilled).toHaveLength(1);
    expect(killed.cursorsNotFound).toEqual([]);
    await expect(db.command({ getMore: first.cursor.id, collection: 'paged' })).rejects.toMatchObject({
      code: 43,
    });
    const again = await db.command({ killCursors: 'paged', cursors: [first.cursor.id] });
    expect(again.cursorsNotFound).toHaveLength(1);
  });

  it('aggregate and listCollections return cursors', async () => {
    const agg = await db.command({
      aggregate: 'paged',
      pipeline: [{ $match: {} }],
      cursor: { batchSize: 5 },
    });
    expect(agg.cursor.firstBatch).toHaveLength(5);
    const list = await db.command({ listCollections: 1, cursor: { batchSize: 1 } });
    expect(list.cursor.firstBatch).toHaveLength(1);
    expect(list.cursor.ns).toBe(`${db.databaseName}.$cmd.listCollections`);
  });
});

describe('change streams through aggregate', () => {
  it('opens collection, database and cluster streams and reads events by getMore', async () => {
    const coll = db.collection<Row>('watched');
    await db.createCollection('watched');
    const stream = trackChangeStream(coll.watch([], { maxAwaitTimeMS: 200 }));
    const dbStream = trackChangeStream(db.watch([], { maxAwaitTimeMS: 200 }));
    const clusterStream = trackChangeStream(
      // A real server's cluster stream also sees other test files' writes.
      client.watch([{ $match: { 'ns.db': db.databaseName } }], { maxAwaitTimeMS: 200 }),
    );
    try {
      await stream.tryNext();
      await dbStream.tryNext();
      await clusterStream.tryNext();
      await coll.insertOne({ _id: 'e1' });
      const event = await stream.next();
      expect(event).toMatchObject({ operationType: 'insert', documentKey: { _id: 'e1' } });
      expect(await dbStream.next()).toMatchObject({ operationType: 'insert' });
      expect(await clusterStream.next()).toMatchObject({
        operationType: 'insert',
        ns: { db: db.databaseName },
      });
      expect(stream.resumeToken).toBeDefined();
    } finally {
      await stream.close();
      await dbStream.close();
      await clusterStream.close();
    }
  });
});

describe('sessions and transactions', () => {
  it('commits a transaction atomically and endSessions ends the session', async () => {
    const coll = db.collection<Row>('txn');
    await db.createCollection('txn');
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await coll.insertOne({ _id: 'a' }, { session });
        await coll.insertOne({ _id: 'b' }, { session });
        expect(await coll.countDocuments({}, { session })).toBe(2);
        expect(await coll.countDocuments()).toBe(0);
      });
    } finally {
      await session.endSession();
    }
    expect(await coll.countDocuments()).toBe(2);
  });

  it('aborts a transaction', async () => {
    const coll = db.collection<Row>('txn-abort');
    await db.createCollection('txn-abort');
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll.insertOne({ _id: 'gone' }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await coll.countDocuments()).toBe(0);
  });

  it('a command of a transaction that was never started is NoSuchTransaction', async () => {
    const session = client.startSession();
    try {
      const lsid = session.id;
      const error = await db
        .command({ find: 'txn', lsid, txnNumber: Long.fromNumber(99), autocommit: false })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 251 });
      expect((error as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
    } finally {
      await session.endSession();
    }
  });

  it('mongoose connection.transaction commits', async () => {
    const connection = trackMongooseConnection(
      await mongoose.createConnection(mongo.uri, { dbName: db.databaseName, autoIndex: false }).asPromise(),
    );
    try {
      const Item = connection.model('Item', new mongoose.Schema({ name: String }), 'mongoose-items');
      await Item.createCollection();
      await connection.transaction(async session => {
        await Item.create([{ name: 'one' }, { name: 'two' }], { session, ordered: true });
      });
      expect(await Item.countDocuments()).toBe(2);
      await expect(
        connection.transaction(async session => {
          await Item.create([{ name: 'three' }], { session });
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(await Item.countDocuments()).toBe(2);
    } finally {
      await connection.close();
    }
  });
});

describe('emulator logging and lifecycle', () => {
  it('logs every command with name, db and duration when verbose, nothing otherwise', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    for (const verbose of [false, true]) {
      lines.length = 0;
      const server = await startMongoEmulator({ port: 0, verbose, logger });
      const local = await new MongoClient(server.uri).connect();
      try {
        await local.db('logged').command({ ping: 1 });
      } finally {
        await local.close();
        await server.stop();
      }
      const ping = lines.find(line => line.command === 'ping');
      if (verbose) expect(ping).toMatchObject({ db: 'logged', durationMs: expect.any(Number), ok: 1 });
      else expect(lines).toEqual([]);
    }
  });

  it('stop() is idempotent and ends streams and waiting commands', async () => {
    const server = await startMongoEmulator({ port: 0 });
    const raw = await RawClient.connect(server.host, server.port);
    raw.send(opMsg({ hello: 1, $db: 'admin' }));
    const { topologyVersion } = (await raw.read()).doc;
    raw.send(opMsg({ hello: 1, topologyVersion, maxAwaitTimeMS: 60_000, $db: 'admin' }));
    const stopping = server.stop();
    expect(server.stop()).toBe(stopping);
    await stopping;
    await raw.closed;
    await expect(RawClient.connect(server.host, server.port)).rejects.toThrow();
  });
});
