import type { Document } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

describe('concurrent jobs never lose each other’s writes', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  it.each([
    ['every user already in the array (in-place path)', true],
    ['no user in the array yet (rebuild path, compare-and-set)', false],
  ])('20 users of one order updated at once with concurrency 4: all 20 show, %s', async (_label, present) => {
    const users = Array.from({ length: 20 }, () => aUser());
    const order = anOrder({
      assigned_user_ids: users.map(user => user._id),
      ...(present ? { metadata: { responsible: users.map(metaOf) } } : {}),
    });
    await insertAll(h.collections, { users, orders: [order], tasks: [aTask(order), aTask(order)] });

    const renamed: Document[] = users.map((user, index) =>
      Object.assign({}, user, { name: `Renamed ${index}`, phone: `+44 ${index}` }),
    );
    await Promise.all(
      renamed.map(user =>
        h.collections.users.updateOne({ _id: user._id }, { $set: { name: user.name, phone: user.phone } }),
      ),
    );
    await h.queues
      .get('responsible-rebuild')
      .addBulk(
        users.map(user => ({ name: 'responsible-rebuild', data: { userId: user._id.toHexString() } })),
      );
    const pool = await h.startWorkers({ concurrency: 4 });
    await h.drain();
    await pool.close();

    const saved = await h.collections.orders.findOne({ _id: order._id });
    expect(saved?.metadata.responsible).toEqual(renamed.map(metaOf));
    for (const task of await h.collections.tasks.find({ order_id: order._id }).toArray()) {
      expect(task.order_metadata.responsible).toEqual(renamed.map(metaOf));
    }
  });
});
