/**
 * Resuming change streams through the official driver: resumeAfter, startAfter and startAtOperationTime
 * are exact (nothing redelivered, nothing skipped) and a lost or foreign resume point is an error. The
 * tests that must break the server (a tiny oplog, dropped connections, fail points) start their own
 * emulator; the others pass unchanged against a real MongoDB 7 replica set (MONGO_URL).
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Db, ResumeToken, Timestamp } from 'mongodb';
import type { MongoEmulator } from '../../src';
import { startMongoEmulator } from '../../src';
import { trackMongoClient } from '../support/leak-guard';
import type { Doc, Event } from './change-stream-kit';
import { idOf, useChangeStreamKit } from './change-stream-kit';

const kit = useChangeStreamKit();
const { newCollection, openStream, watching, take, onRelease } = kit;

describe('resuming', () => {
  it('resumeAfter a closed stream’s token continues exactly after it', async () => {
    const coll = newCollection();
    const stream = await openStream(coll);
    await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const events = await take(stream, 2);
    await stream.close();
    await coll.insertOne({ _id: 4 });
    const resumed = watching(coll.watch<Doc, Event>([], { resumeAfter: events[1]!._id, maxAwaitTimeMS: 50 }));
    expect((await take(resumed, 2)).map(e => idOf(e))).toEqual([3, 4]);
    expect(await resumed.tryNext()).toBeNull();
  });

  it('startAfter a token continues exactly after it', async () => {
    const coll = newCollection();
    const stream = await openStream(coll);
    await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
    const [first] = await take(stream, 1);
    await stream.close();
    const resumed = watching(coll.watch<Doc, Event>([], { startAfter: first!._id, maxAwaitTimeMS: 50 }));
    expect((await take(resumed, 1)).map(e => idOf(e))).toEqual([2]);
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
    expect((await take(resumed, 1)).map(e => idOf(e))).toEqual(['after']);
  });

  it('startAtOperationTime includes the write at that time', async () => {
    const coll = newCollection();
    const session = kit.client.startSession();
    onRelease(() => session.endSession());
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
    onRelease(async () => {
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

    expect(seen.map(e => idOf(e))).toEqual(Array.from({ length: 15 }, (_, k) => k));
    expect(await stream.tryNext()).toBeNull();
  });
});
