/**
 * Change events through the official driver, written to pass unchanged against a real MongoDB 7 replica
 * set (MONGO_URL): event shapes, fullDocument modes, pre-images, scopes and invalidate, the user's
 * pipeline. Resuming is in change-stream-resume.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Document, ResumeToken, Timestamp } from 'mongodb';
import { trackMongoClient } from '../support/leak-guard';
import type { Doc, Event } from './change-stream-kit';
import { idOf, isTimestamp, useChangeStreamKit } from './change-stream-kit';

const kit = useChangeStreamKit();
const { newCollection, openStream, watching, take, onRelease } = kit;

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
    const ns = { db: kit.db.databaseName, coll: coll.collectionName };

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
    const coll = await kit.db.createCollection<Doc>(`c-${randomUUID()}`, {
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

  it('images exist only for changes written while the collection recorded them (collMod)', async () => {
    const coll = newCollection();
    const stream = await openStream(coll, [], {
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
    });
    await coll.insertOne({ _id: 1, v: 1 });
    await coll.updateOne({ _id: 1 }, { $set: { v: 2 } });
    await kit.db.command({ collMod: coll.collectionName, changeStreamPreAndPostImages: { enabled: true } });
    await coll.updateOne({ _id: 1 }, { $set: { v: 3 } });
    const [, before, after] = await take(stream, 3);
    expect(before).toMatchObject({ fullDocument: null, fullDocumentBeforeChange: null });
    expect(after).toMatchObject({
      fullDocument: { _id: 1, v: 3 },
      fullDocumentBeforeChange: { _id: 1, v: 2 },
    });
  });

  it('a database stream sees every collection; dropping the collection invalidates a collection stream', async () => {
    const other = kit.client.db(`${kit.db.databaseName}-other`);
    onRelease(async () => void (await other.dropDatabase()));
    const a = newCollection();
    const b = newCollection();
    const ofDb = await openStream(kit.db);
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
    const monitored = trackMongoClient(
      await new MongoClient(kit.mongo.uri, { monitorCommands: true }).connect(),
    );
    onRelease(() => monitored.close());
    const operationTimes = new Map<string, Timestamp>();
    monitored.on('commandSucceeded', e => {
      const { operationTime } = e.reply as Document;
      if (isTimestamp(operationTime)) operationTimes.set(e.commandName, operationTime);
    });
    const coll = monitored.db(kit.db.databaseName).collection<Doc>(`c-${randomUUID()}`);
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
    expect(events.map(e => idOf(e))).toEqual([2, 3]);
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
    expect((await take(resumed, 1)).map(e => idOf(e))).toEqual([3]);
    expect(await resumed.tryNext()).toBeNull();
  });
});
