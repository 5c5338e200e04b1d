import managerSync from '../../../jobs/manager-sync';
import responsibleRebuild from '../../../jobs/responsible-rebuild';
import { rebuildResponsible } from '../../../src/sync/rebuild-orders';
import { armFaultPoint, disarmFaultPoints, FaultPointNames } from '../../../src/testing/fault-points';
import { directJobContext } from '../../support/direct-job-context';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

/**
 * Two runs for the same documents overlap in the worst order: the one that read older data writes last.
 * Fault points put the second run exactly between the first one's read and its write, so these races
 * happen every time instead of by luck.
 */
describe('overlapping runs', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterEach(() => disarmFaultPoints());
  afterAll(() => h.close());

  it('no stale write when two runs overlap: a run re-reads its users after writing and writes again (settle)', async () => {
    const user = aUser({ name: 'Older' });
    const order = anOrder({ manager: user._id });
    await insertAll(h.collections, { users: [user], orders: [order] });
    const ctx = directJobContext(h.collections);
    const job = { userIds: [user._id.toHexString()] };

    // The first run has read 'Older'; the user changes and the run for that change completes first.
    armFaultPoint(FaultPointNames.settleBeforeWrite, async () => {
      await h.collections.users.updateOne({ _id: user._id }, { $set: { name: 'Newer' } });
      await managerSync(job, ctx);
    });
    await managerSync(job, ctx);

    const copy = (await h.collections.orders.findOne({ _id: order._id }))?.metadata?.dashclicks_team?.manager;
    expect(copy).toEqual(metaOf({ ...user, name: 'Newer' }));
  });

  it('no lost update when an in-place update and a rebuild race: the rebuild writes with compare-and-set', async () => {
    const renamed = aUser({ name: 'Before' });
    const added = aUser();
    // `added` is missing from the array, so the order needs a rebuild; `renamed` is updated in place.
    const order = anOrder({
      assigned_user_ids: [renamed._id, added._id],
      metadata: { responsible: [metaOf(renamed)] },
    });
    await insertAll(h.collections, { users: [renamed, added], orders: [order] });
    const ctx = directJobContext(h.collections);

    // The rebuild has computed its array from 'Before'; then the rename lands in place on the order.
    armFaultPoint(FaultPointNames.rebuildBeforeWrite, async () => {
      await h.collections.users.updateOne({ _id: renamed._id }, { $set: { name: 'After' } });
      await responsibleRebuild({ userIds: [renamed._id.toHexString()] }, ctx);
    });
    await rebuildResponsible(h.collections, [order._id]);

    const current = await h.collections.orders.findOne({ _id: order._id });
    expect(current?.metadata?.responsible).toEqual([metaOf({ ...renamed, name: 'After' }), metaOf(added)]);
  });
});
