/**
 * The exact pipeline the listener sends, applied by the server: the filter keeps irrelevant updates from
 * ever enqueueing a job, and the projection keeps bson types (ObjectId, Timestamp).
 */
import { ObjectId, Timestamp } from 'mongodb';
import type { Document } from 'mongodb';
import { watchPipeline } from '../../../src/listener/watch-pipeline';
import { assertNothingLeaked, trackChangeStream } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';

let mongo: TestMongo;

beforeAll(async () => {
  mongo = await acquireTestMongo();
});
afterAll(() => mongo.release());
afterEach(() => assertNothingLeaked());

describe("the listener's watch pipeline", () => {
  it('passes inserts, deletes and updates of watched paths, with bson types intact', async () => {
    const client = await mongo.connect();
    try {
      const db = client.db(mongo.databaseName());
      const users = db.collection('users');
      const collections = { users: 'users', accounts: 'a', contacts: 'c', orders: 'o', tasks: 't' };
      // A database-level stream, as the listener opens it; the pipeline picks the collections.
      const pipeline = watchPipeline({ collections, syncReferences: true });
      const stream = trackChangeStream(db.watch(pipeline, { fullDocument: 'updateLookup' }));
      const next = async (): Promise<Document> => (await stream.next()) as Document;
      // The first tryNext opens the stream: writes before it would not be seen.
      expect(await stream.tryNext()).toBeNull();

      const id = new ObjectId();
      const account = new ObjectId();
      await db.collection('elsewhere').insertOne({ name: 'not a user' });
      await users.insertOne({
        _id: id,
        account,
        is_owner: true,
        name: { first: 'Ann' },
        phone: '1',
      });
      await users.updateOne({ _id: id }, { $set: { last_login: new Date() } });
      await users.updateOne({ _id: id }, { $set: { 'name.first': 'Anne' } });
      // Read before the document changes again: updateLookup answers with the document as it is when read.
      const events = [await next(), await next()];
      await users.updateOne({ _id: id }, { $unset: { phone: '' } });
      await users.updateOne({ _id: id }, { $set: { is_owner: false } });
      await users.deleteOne({ _id: id });
      events.push(await next(), await next(), await next());
      await stream.close();

      expect(events.map(e => [e.operationType, e.changedPaths])).toEqual([
        ['insert', []],
        ['update', ['name.first']],
        ['update', ['phone']],
        ['update', ['is_owner']],
        ['delete', []],
      ]);
      for (const event of events) {
        expect(event.clusterTime).toBeInstanceOf(Timestamp);
        expect(event.documentKey._id).toBeInstanceOf(ObjectId);
        expect(event.documentKey._id.equals(id)).toBe(true);
      }
      expect(events[1]!.fullDocument).toEqual({ is_owner: true, account });
      expect(events.every(e => e.ns.coll === 'users')).toBe(true);
      expect(events[4]).not.toHaveProperty('fullDocument');
    } finally {
      await client.close();
    }
  });
});
