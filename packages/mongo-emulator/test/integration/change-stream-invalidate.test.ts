/**
 * Drops and renames end collection streams with an invalidate, and resuming around one is exact: a fresh
 * stream's token never replays an earlier drop, and startAfter an invalidate continues past it. Runs
 * unchanged against a real MongoDB 7 replica set (MONGO_URL).
 */
import { MongoServerError } from 'mongodb';
import type { ResumeToken } from 'mongodb';
import type { Doc, Event } from './change-stream-kit';
import { idOf, useChangeStreamKit } from './change-stream-kit';

const kit = useChangeStreamKit();
const { newCollection, openStream, watching, take } = kit;

describe('resuming around an invalidate', () => {
  it("a fresh stream's token on a dropped and re-created collection resumes with the next event", async () => {
    const coll = newCollection();
    await coll.insertOne({ _id: 'old' });
    await coll.drop();
    const fresh = await openStream(coll);
    const token = fresh.resumeToken as ResumeToken;
    await fresh.close();
    await coll.insertOne({ _id: 'next' });
    const resumed = watching(coll.watch<Doc, Event>([], { resumeAfter: token, maxAwaitTimeMS: 50 }));
    const [event] = await take(resumed, 1);
    expect(event).toMatchObject({ operationType: 'insert', documentKey: { _id: 'next' } });
  });

  it('startAfter an invalidate continues with the first event after the drop', async () => {
    const coll = newCollection();
    const stream = await openStream(coll);
    await coll.insertOne({ _id: 'before' });
    await coll.drop();
    const events = await take(stream, 3);
    expect(events.map(e => e.operationType)).toEqual(['insert', 'drop', 'invalidate']);
    await coll.insertOne({ _id: 'after' });
    const resumed = watching(coll.watch<Doc, Event>([], { startAfter: events[2]!._id, maxAwaitTimeMS: 50 }));
    expect((await take(resumed, 1)).map(idOf)).toEqual(['after']);
  });
});

describe('renameCollection', () => {
  it('moves the documents and ends streams on the old name with rename, then invalidate', async () => {
    const from = newCollection();
    const to = newCollection();
    await from.insertOne({ _id: 1 });
    const onFrom = await openStream(from);
    const onDatabase = await openStream(kit.db);
    await from.rename(to.collectionName);
    await to.insertOne({ _id: 2 });

    const rename = {
      operationType: 'rename',
      ns: { db: kit.db.databaseName, coll: from.collectionName },
      to: { db: kit.db.databaseName, coll: to.collectionName },
    };
    const fromEvents = await take(onFrom, 2);
    expect(fromEvents[0]).toMatchObject(rename);
    expect(fromEvents[1]!.operationType).toBe('invalidate');
    // A database stream is not invalidated: it goes on to the insert into the new name.
    const dbEvents = await take(onDatabase, 2);
    expect(dbEvents[0]).toMatchObject(rename);
    expect(dbEvents[1]).toMatchObject({ operationType: 'insert', documentKey: { _id: 2 } });
    expect(await to.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
    expect(await from.countDocuments()).toBe(0);
  });

  it('refuses an existing target without dropTarget (48), replaces it with dropTarget', async () => {
    const from = newCollection();
    const to = newCollection();
    await from.insertOne({ _id: 'from' });
    await to.insertOne({ _id: 'to' });
    await expect(from.rename(to.collectionName)).rejects.toMatchObject({
      code: 48,
      codeName: 'NamespaceExists',
    });
    await from.rename(to.collectionName, { dropTarget: true });
    expect(await to.find().toArray()).toEqual([{ _id: 'from' }]);
  });

  it('refuses a missing source (26) and a non-admin database (13)', async () => {
    const missing = newCollection();
    await expect(missing.rename(`x-${missing.collectionName}`)).rejects.toMatchObject({ code: 26 });
    const error = await kit.db
      .command({ renameCollection: `${kit.db.databaseName}.a`, to: `${kit.db.databaseName}.b` })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 13 });
  });
});
