/**
 * An event no reply can carry: over 16 MB it fails the stream with BSONObjectTooLarge (10334), as mongod
 * does when the pipeline does not split large events. Runs unchanged against MongoDB 7 (MONGO_URL).
 */
import { MongoServerError } from 'mongodb';
import type { Event } from './change-stream-kit';
import { useChangeStreamKit } from './change-stream-kit';

jest.setTimeout(60_000);

const kit = useChangeStreamKit();

describe('change event size', () => {
  it('an event over 16 MB fails the stream with BSONObjectTooLarge (10334)', async () => {
    const coll = kit.newCollection();
    await kit.db.createCollection(coll.collectionName, { changeStreamPreAndPostImages: { enabled: true } });
    const nineMegabytes = 'x'.repeat(9 * 1024 * 1024);
    await coll.insertOne({ _id: 1, blob: nineMegabytes });
    const stream = await kit.openStream(coll, [], { fullDocumentBeforeChange: 'required' });
    await coll.replaceOne({ _id: 1 }, { blob: nineMegabytes.replace(/^x/, 'y') });

    const error = await kit.take(stream, 1).then(
      (events: Event[]) => events,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 10334, codeName: 'BSONObjectTooLarge' });
  });
});
