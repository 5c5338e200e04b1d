import { ObjectId } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

/** Jobs carry ids only, so however often and in whatever order they run, the copies show the latest user. */
describe('duplicate and out-of-order jobs', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  it('a job for an old change that runs after a newer one still writes the newest values', async () => {
    const account = new ObjectId();
    const user = aUser({ account, is_owner: true });
    const order = anOrder({
      manager: user._id,
      specialist: user._id,
      assigned_user_ids: [user._id],
      metadata: { responsible: [metaOf(user)] },
    });
    await insertAll(h.collections, {
      users: [user],
      accounts: [{ _id: account }],
      orders: [order],
      tasks: [aTask(order)],
    });
    const userId = user._id.toHexString();
    const oldCause = { operationType: 'update', clusterTime: '1' };
    const newCause = { operationType: 'update', clusterTime: '2' };

    // Newest change first, processed; then the job of the older change arrives late, and a duplicate of each.
    await h.collections.users.updateOne(
      { _id: user._id },
      { $set: { name: 'Newest', email: 'newest@example.com' } },
    );
    for (const queue of ['owner-sync', 'manager-sync', 'specialist-sync', 'responsible-rebuild'] as const) {
      await h.enqueue(queue, { userId, cause: newCause });
    }
    const pool = await h.startWorkers();
    await h.drain();
    for (const queue of ['owner-sync', 'manager-sync', 'specialist-sync', 'responsible-rebuild'] as const) {
      await h.enqueue(queue, { userId, cause: oldCause });
      await h.enqueue(queue, { userId, cause: newCause });
    }
    await h.drain();
    await pool.close();

    const latest = { ...metaOf(user), name: 'Newest', email: 'newest@example.com' };
    const saved = await h.collections.orders.findOne({ _id: order._id });
    expect(saved?.metadata).toEqual({
      responsible: [latest],
      dashclicks_team: { manager: latest, specialist: latest },
    });
    expect((await h.collections.tasks.findOne({ order_id: order._id }))?.order_metadata.responsible).toEqual([
      latest,
    ]);
    expect((await h.collections.accounts.findOne({ _id: account }))?.owner.name).toBe('Newest');
  });
});
