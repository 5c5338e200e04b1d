/**
 * The exact pipeline user-sync's listener sends, applied by the hub: the filter is what keeps irrelevant
 * updates from ever enqueueing a job, and the projection must keep bson types (ObjectId, Timestamp).
 */
import { ObjectId, Timestamp } from 'bson';
import { watchPipeline } from '../../../../../src/listener/watch-pipeline';
import { drain, insert, makeFixture, remove, update } from './hub-fixture';

describe("the listener's watch pipeline", () => {
  it('passes inserts, deletes and updates of watched paths, with bson types intact', async () => {
    const f = makeFixture();
    const cursor = f.open(
      {},
      { fullDocument: 'updateLookup' },
      watchPipeline({
        collections: { users: 'users', accounts: 'a', contacts: 'c', orders: 'o', tasks: 't' },
        syncReferences: true,
      }),
    );
    const id = new ObjectId();
    const user = { _id: id, account: new ObjectId(), is_owner: true, name: { first: 'Ann' }, phone: '1' };
    f.current.set(`app.users.${String(id)}`, user);

    f.hub.append([insert('users', user)]);
    f.hub.append([update('users', user, user, { updatedFields: { last_login: new Date() } })]);
    f.hub.append([update('users', user, user, { updatedFields: { 'name.first': 'Anne' } })]);
    f.hub.append([update('users', user, user, { removedFields: ['phone'] })]);
    f.hub.append([update('users', user, user, { updatedFields: { is_owner: false } })]);
    f.hub.append([remove('users', user)]);
    const events = await drain(cursor);

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
    expect(events[1]!.fullDocument).toEqual({ is_owner: true, account: user.account });
    expect(events[4]).not.toHaveProperty('fullDocument');
    f.close();
  });
});
