import type { Document } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

/**
 * SPEC §2, §2b: when an order's only responsible user goes (deleted, or pulled from assigned_user_ids by
 * the platform), the rebuilt list is empty, and empty is a value to write like any other: the order and
 * every task of it end with `[]`, not with the last user's copy. The jobs are the ones the listener routes
 * for these changes (test/unit/listener/route-change.test.ts): a user's delete, an order's array changed.
 */
describe("an order's last responsible user gone", () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.startWorkers();
  });
  afterAll(() => h.close());

  /** An order whose one assigned user is copied into it and into two of its tasks. */
  async function soleResponsible() {
    const user = aUser();
    const order = anOrder({ assigned_user_ids: [user._id], metadata: { responsible: [metaOf(user)] } });
    const tasks = [0, 1].map(() => aTask(order, { order_metadata: { responsible: [metaOf(user)] } }));
    await insertAll(h.collections, { users: [user], orders: [order], tasks });
    return { user, order };
  }

  async function expectEmptyEverywhere(order: Document) {
    await h.drain();
    expect((await h.collections.orders.findOne({ _id: order._id }))?.metadata?.responsible).toEqual([]);
    const tasks = await h.collections.tasks.find({ order_id: order._id }).toArray();
    expect(tasks.map(task => task.order_metadata?.responsible)).toEqual([[], []]);
  }

  it('deleted: the order and its tasks end with an empty list', async () => {
    const { user, order } = await soleResponsible();
    await h.collections.users.deleteOne({ _id: user._id });
    await h.enqueue('responsible-rebuild', { userIds: [user._id.toHexString()] });
    await expectEmptyEverywhere(order);
  });

  it('pulled from assigned_user_ids: the order and its tasks end with an empty list', async () => {
    const { user, order } = await soleResponsible();
    await h.collections.orders.updateOne({ _id: order._id }, {
      $pull: { assigned_user_ids: user._id },
    } as Document);
    await h.enqueue('responsible-rebuild', { orderIds: [order._id.toHexString()] });
    await expectEmptyEverywhere(order);
  });
});
