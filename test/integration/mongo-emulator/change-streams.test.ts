/**
 * Change streams through the official driver, written to pass unchanged against a real MongoDB 7 replica
 * set (MONGO_URL): event shapes, fullDocument modes, pre-images, the user's pipeline, resuming. The tests
 * that need to break the server (oplog size, dropped connections, fail points) start their own emulator.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, MongoServerError } from 'mongodb';
import type {
  ChangeStream,
  ChangeStreamDocument,
  Collection,
  Db,
  Document,
  ResumeToken,
  Timestamp,
} from 'mongodb';
import type { MongoEmulator } from '../../../src/dev/mongo-emulator';
import { startMongoEmulator } from '../../../src/dev/mongo-emulator';
import { assertNothingLeaked, trackChangeStream, trackMongoClient } from '../../support/leak-guard';
import { acquireTestMongo } from '../../support/mongo';
import type { TestMongo } from '../../support/mongo';

type Event = ChangeStreamDocument<Doc> & Document;
/** Test documents use plain _ids (numbers, strings), not only ObjectIds. */
interface Doc {
  _id: number | string;
  [field: string]: unknown;
}

let mongo: TestMongo;
let client: MongoClient;
let db: Db;
const streams: ChangeStream<Doc, Event>[] = [];
const releases: (() => Promise<void>)[] = [];

beforeAll(async () => {
  mongo = await acquireTestMongo();
  // File-wide, so not tracked: the leak guard checks what each test opens.
  client = await new MongoClient(mongo.uri).connect();
  db = client.db(mongo.databaseName());
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map(s => s.close()));
  for (const release of releases.splice(0).reverse()) await release();
  await assertNothingLeaked();
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await mongo?.release();
});

const newCollection = (database: Db = db): Collection<Doc> => database.collection<Doc>(`c-${randomUUID()}`);

/** watch() is lazy: the aggregate goes out with the first tryNext(), so later writes are all seen. */
async function openStream(
  target: Collection<Doc> | Db,
  pipeline: Document[] = [],
  options: Document = {},
): Promise<ChangeStream<Doc, Event>> {
  const stream = watching(target.watch<Doc, Event>(pipeline, { maxAwaitTimeMS: 50, ...options }));
  const first = await stream.tryNext();
  if (first !== null) throw new Error(`unexpected event before any write: ${JSON.stringify(first)}`);
  return stream;
}

/** Registers a stream to be closed after the test, and checked by the leak guard. */
function watching<S extends ChangeStream<Doc, Event> | ChangeStream>(stream: S): S {
  streams.push(trackChangeStream(stream) as ChangeStream<Doc, Event>);
  return stream;
}

/** The next `n` events, failing clearly instead of hanging when they don't come. */
async function take(stream: ChangeStream<Doc, Event>, n: number, timeoutMs = 10_000): Promise<Event[]> {
  const events: Event[] = [];
  const deadline = Date.now() + timeoutMs;
  while (events.length < n) {
    if (Date.now() > deadline)
      throw new Error(`got ${events.length} of ${n} events: ${JSON.stringify(events)}`);
    const event = await stream.tryNext();
    if (event !== null) events.push(event);
  }
  return events;
}

const isTimestamp = (value: unknown): value is Timestamp =>
  typeof value === 'object' && value !== null && (value as { _bsontype?: string })._bsontype === 'Timestamp';

describe('change events', () => {
  it('insert, update, replace and delete carry the fields MongoDB 7 gives them', async () => {
    const coll = newCollection();
    const stream = await openStream(coll);
    await coll.insertOne({ _id: 1, name: 'Ann', tags: ['a', 'b', 'c'] });
    await coll.updateOne({ _id: 1 }, { $set: { name: 'Anne', 'tags.0': 'z' }, $unset: { phone: '' } });
    await coll.updateOne({ _id: 1 }, { $unset: { name: '' } });
    await coll.replaceOne({ _id: 1 }, { _id: 1, name: 'Bob' });
    await coll.deleteOne({ _id: 1 });
    const [ins, upd, unset, rep, del] = await take(stream, 5);
    const ns = { db: db.databaseName, coll: coll.collectionName };

    expect(ins).toMatchObject({ operationType: 'insert', ns, documentKey: { _id: 1 } });
    expect(ins!.fullDocument).toEqual({ _id: 1, name: 'Ann', tags: ['a', 'b', 'c'] });
    expect(typeof (ins!._id as { _data: unknown })._data).toBe('string');
    expect(isTimestamp(ins!.clusterTime)).toBe(true);
    expect(ins!.wallTime).toBeInstanceOf(Date);

    expect(upd).toMatchObject({ operationType: 'update', ns, documentKey: { _id: 1 } });
    expect(upd!.updateDescription).toEqual({
      updatedFields: { name: 'Anne', 'tags.0': 'z' },
      removedFields: [],
      truncatedArrays: [],
    });
    expect(upd).not.toHaveProperty('fullDocument');
    expect(unset!.updateDescription).toMatchObject({ updatedFields: {}, removedFields: ['name'] });

    expect(rep).toMatchObject({
      operationType: 'replace',
      fullDocument: { _id: 1, name: 'Bob' },
      documentKey: { _id: 1 },
    });
    expect(del).toMatchObject({ operationType: 'delete', ns, documentKey: { _id: 1 } });
    expect(del).not.toHaveProperty('fullDocument');

    const times = [ins, upd, unset, rep, del].map(e => e!.clusterTime as Timestamp);
    for (let k = 1; k < times.length; k++) expect(times[k]!.greaterThan(times[k - 1]!)).toBe(true);
  });

  it("fullDocument: 'updateLookup' gives an update the document as it is now", async () => {
    const coll = newCollection();
    const stream = await openStream(coll, [], { fullDocument: 'updateLookup' });
    await coll.insertOne({ _id: 'u', n: 1 });
    await coll.updateOne({ _id: 'u' }, { $set: { n: 2 } });
    const [, upd] = await take(stream, 2);
    expect(upd!.fullDocument).toEqual({ _id: 'u', n: 2 });
  });

  it('pre- and post-images with changeStreamPreAndPostImages', async () => {
    const coll = await db.createCollection<Doc>(`c-${randomUUID()}`, {
      changeStreamPreAndPostImages: { enabled: true },
    });
    const stream = await openStream(coll, [], {
      fullDocument: 'required',
      fullDocumentBeforeChange: 'required',
    });
    await coll.insertOne({ _id: 1, v: 'one' });
    await coll.updateOne({ _id: 1 }, { $set: { v: 'two' } });
    await coll.replaceOne({ _id: 1 }, { v: 'three' });
    await coll.deleteOne({ _id: 1 });
    const [ins, upd, rep, del] = await take(stream, 4);
    expect(ins).not.toHaveProperty('fullDocumentBeforeChange');
    expect(upd).toMatchObject({
      fullDocumentBeforeChange: { _id: 1, v: 'one' },
      fullDocument: { _id: 1, v: 'two' },
    });
    expect(rep).toMatchObject({
      fullDocumentBeforeChange: { _id: 1, v: 'two' },
      fullDocument: { _id: 1, v: 'three' },
    });
    expect(del).toMatchObject({ fullDocumentBeforeChange: { _id: 1, v: 'three' } });
  });

  it("fullDocumentBeforeChange: 'whenAvailable' is null where the collection records no images", async () => {
    const coll = newCollection();
    const stream = await openStream(coll, [], { fullDocumentBeforeChange: 'whenAvailable' });
    await coll.insertOne({ _id: 1 });
    await coll.deleteOne({ _id: 1 });
    const [, del] = await take(stream, 2);
    expect(del!.fullDocumentBeforeChange).toBeNull();
  });

  it('a database stream sees every collection; dropping the collection invalidates a collection stream', async () => {
    const other = client.db(`${db.databaseName}-other`);
    releases.push(async () => void (await other.dropDatabase()));
    const a = newCollection();
    const b = newCollection();
    const ofDb = await openStream(db);
    const ofA = await openStream(a);
    await a.insertOne({ _id: 'a' });
    await b.insertOne({ _id: 'b' });
    await newCollection(other).insertOne({ _id: 'elsewhere' });
    await a.drop();
    const seenByDb = await take(ofDb, 3);
    expect(seenByDb.map(e => [e.operationType, (e as Document).ns.coll])).toEqual([
      ['insert', a.collectionName],
      ['insert', b.collectionName],
      ['drop', a.collectionName],
    ]);
    const seenByA = await take(ofA, 3);
    expect(seenByA.map(e => e.operationType)).toEqual(['insert', 'drop', 'invalidate']);
    // The server ends the cursor with the invalidate: the driver's stream is closed, nothing follows.
    expect(await ofA.tryNext()).toBeNull();
    expect(ofA.closed).toBe(true);
    // startAfter the invalidate watches the recreated collection.
    const resumed = watching(a.watch<Doc, Event>([], { startAfter: seenByA[2]!._id, maxAwaitTimeMS: 50 }));
    await a.insertOne({ _id: 'again' });
    expect((await take(resumed, 1))[0]).toMatchObject({
      operationType: 'insert',
      documentKey: { _id: 'again' },
    });
  });

  it('every write reply carries operationTime, at or after its event', async () => {
    const monitored = trackMongoClient(await new MongoClient(mongo.uri, { monitorCommands: true }).connect());
    releases.push(() => monitored.close());
    const operationTimes = new Map<string, Timestamp>();
    monitored.on('commandSucceeded', e => {
      const { operationTime } = e.reply as Document;
      if (isTimestamp(operationTime)) operationTimes.set(e.commandName, operationTime);
    });
    const coll = monitored.db(db.databaseName).collection<Doc>(`c-${randomUUID()}`);
    const stream = await openStream(coll);
    await coll.insertOne({ _id: 1 });
    await coll.updateOne({ _id: 1 }, { $set: { x: 1 } });
    await coll.findOneAndUpdate({ _id: 1 }, { $set: { x: 2 } });
    await coll.deleteOne({ _id: 1 });
    const events = await take(stream, 4);
    const byCommand = ['insert', 'update', 'findAndModify', 'delete'];
    byCommand.forEach((name, k) => {
      expect(operationTimes.get(name)?.greaterThanOrEqual(events[k]!.clusterTime as Timestamp)).toBe(true);
    });
  });
});

describe('the pipeline after $changeStream', () => {
  /** The filter user-sync's listener uses: watched fields, dotted sub-paths included, via $objectToArray. */
  const watchedFields = '^(name|email|phone|image)(\\.|$)';
  const listenerPipeline = [
    { $match: { operationType: { $in: ['insert', 'update', 'replace', 'delete'] } } },
    {
      $match: {
        $or: [
          { operationType: { $ne: 'update' } },
          { 'updateDescription.updatedFields.email': { $exists: true } },
          {
            $expr: {
              $gt: [
                {
                  $size: {
                    $filter: {
                      input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } },
                      cond: { $regexMatch: { input: '$$this.k', regex: watchedFields } },
                    },
                  },
                },
                0,
              ],
            },
          },
        ],
      },
    },
  ];

  it('passes the changes that matter and filters the rest', async () => {
    const coll = newCollection();
    const stream = await openStream(coll, listenerPipeline);
    await coll.insertOne({ _id: 1, name: { first: 'Ann', last: 'Lee' }, last_login: null });
    await coll.updateOne({ _id: 1 }, { $set: { last_login: new Date() } });
    await coll.updateOne({ _id: 1 }, { $set: { 'name.first': 'Anne' } });
    await coll.updateOne({ _id: 1 }, { $set: { last_login: new Date() } });
    await coll.updateOne({ _id: 1 }, { $set: { email: 'anne@example.com' } });
    await coll.deleteOne({ _id: 1 });
    const events = await take(stream, 4);
    expect(
      events.map(e => [e.operationType, Object.keys((e as Document).updateDescription?.updatedFields ?? {})]),
    ).toEqual([
      ['insert', []],
      ['update', ['name.first']],
      ['update', ['email']],
      ['delete', []],
    ]);
  });

  it('$match on documentKey._id and fullDocument fields', async () => {
    const coll = newCollection();
    const stream = await openStream(coll, [
      { $match: { $or: [{ 'documentKey._id': 2 }, { 'fullDocument.n': { $gte: 10 } }] } },
    ]);
    await coll.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
      { _id: 3, n: 30 },
    ]);
    const events = await take(stream, 2);
    expect(events.map(e => (e as Document).documentKey._id)).toEqual([2, 3]);
  });

  it('the resume token moves past filtered events, and resuming from it skips them', async () => {
    const coll = newCollection();
    const stream = await openStream(coll, [{ $match: { 'fullDocument.keep': true } }]);
    const initial = stream.resumeToken;
    await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
    expect(await stream.tryNext()).toBeNull();
    const advanced = stream.resumeToken as ResumeToken;
    expect(advanced).not.toEqual(initial);
    await stream.close();
    await coll.insertOne({ _id: 3 });
    const resumed = watching(coll.watch<Doc, Event>([], { resumeAfter: advanced, maxAwaitTimeMS: 50 }));
    expect((await take(resumed, 1)).map(e => (e as Document).documentKey._id)).toEqual([3]);
    expect(await resumed.tryNext()).toBeNull();
  });
});

describe('resuming', () => {
  it('resumeAfter a closed stream’s token continues exactly after it', async () => {
    const coll = newCollection();
    const stream = await openStream(coll);
    await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const events = await take(stream, 2);
    await stream.close();
    await coll.insertOne({ _id: 4 });
    const resumed = watching(coll.watch<Doc, Event>([], { resumeAfter: events[1]!._id, maxAwaitTimeMS: 50 }));
    expect((await take(resumed, 2)).map(e => (e as Document).documentKey._id)).toEqual([3, 4]);
    expect(await resumed.tryNext()).toBeNull();
  });

  it('startAfter a token continues exactly after it', async () => {
    const coll = newCollection();
    const stream = await openStream(coll);
    await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
    const [first] = await take(stream, 1);
    await stream.close();
    const resumed = watching(coll.watch<Doc, Event>([], { startAfter: first!._id, maxAwaitTimeMS: 50 }));
    expect((await take(resumed, 1)).map(e => (e as Document).documentKey._id)).toEqual([2]);
  });

  it('the resume token of an idle stream resumes after everything written before it', async () => {
    const coll = newCollection();
    await coll.insertOne({ _id: 'before' });
    const stream = await openStream(coll);
    const token = stream.resumeToken as ResumeToken;
    expect(token).toBeTruthy();
    await stream.close();
    await coll.insertOne({ _id: 'after' });
    const resumed = watching(coll.watch<Doc, Event>([], { resumeAfter: token, maxAwaitTimeMS: 50 }));
    expect((await take(resumed, 1)).map(e => (e as Document).documentKey._id)).toEqual(['after']);
  });

  it('startAtOperationTime includes the write at that time', async () => {
    const coll = newCollection();
    const session = client.startSession();
    releases.push(() => session.endSession());
    await coll.insertOne({ _id: 'x' }, { session });
    const time = session.operationTime as Timestamp;
    const stream = watching(coll.watch<Doc, Event>([], { startAtOperationTime: time, maxAwaitTimeMS: 50 }));
    expect((await take(stream, 1))[0]).toMatchObject({ operationType: 'insert', documentKey: { _id: 'x' } });
  });

  it('a resume token this server never issued is refused', async () => {
    const coll = newCollection();
    const stream = watching(coll.watch([], { resumeAfter: { _data: 'not-a-token' } }));
    const error = await stream.tryNext().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
  });
});

describe('on a dedicated emulator', () => {
  let emulator: MongoEmulator;
  let own: MongoClient;

  async function dedicated(oplogEvents?: number): Promise<Db> {
    emulator = await startMongoEmulator({ port: 0, ...(oplogEvents ? { oplogEvents } : {}) });
    own = trackMongoClient(await new MongoClient(emulator.uri).connect());
    releases.push(async () => {
      await own.close();
      await emulator.stop();
    });
    return own.db(`test-${randomUUID()}`);
  }

  it('history rolled past the resume point: ChangeStreamHistoryLost (286)', async () => {
    const database = await dedicated(5);
    const coll = newCollection(database);
    const stream = await openStream(coll);
    await coll.insertOne({ _id: 0 });
    const [first] = await take(stream, 1);
    await stream.close();
    await coll.insertMany(Array.from({ length: 10 }, (_, k) => ({ _id: k + 1 })));

    const resumed = watching(coll.watch([], { resumeAfter: first!._id }));
    const error = await resumed.tryNext().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 286, codeName: 'ChangeStreamHistoryLost' });
  });

  it('a stream that falls behind the history fails with 286 rather than skipping', async () => {
    const database = await dedicated(5);
    const coll = newCollection(database);
    const stream = await openStream(coll);
    await coll.insertMany(Array.from({ length: 10 }, (_, k) => ({ _id: k })));
    const error = await stream.tryNext().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 286 });
  });

  it('survives dropped connections and a failed getMore, seeing every event exactly once', async () => {
    const database = await dedicated();
    const coll = newCollection(database);
    const stream = await openStream(coll);
    await coll.insertMany(Array.from({ length: 5 }, (_, k) => ({ _id: k })));
    const seen = await take(stream, 3);

    emulator.dropAllConnections();
    for (let k = 5; k < 10; k++) await coll.insertOne({ _id: k });
    seen.push(...(await take(stream, 4)));

    await own.db('admin').command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['getMore'], closeConnection: true },
    });
    for (let k = 10; k < 15; k++) await coll.insertOne({ _id: k });
    seen.push(...(await take(stream, 8)));

    expect(seen.map(e => (e as Document).documentKey._id)).toEqual(Array.from({ length: 15 }, (_, k) => k));
    expect(await stream.tryNext()).toBeNull();
  });
});
