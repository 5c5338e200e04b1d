import { ObjectId } from 'mongodb';
import { auditDrift } from '../../../src/verify/audit-drift';
import { classifyInFlight } from '../../../src/verify/classify-in-flight';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

/** How verify tells drift in flight from drift that stays, on documents and queues an operator can see. */
describe('verify: drift in flight', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  const managedBy = (user: Record<string, unknown>, email = user.email) =>
    anOrder({ manager: user._id, metadata: { dashclicks_team: { manager: { ...metaOf(user), email } } } });

  it('drift that is gone when read again after the grace period settled; drift still there with no job stays', async () => {
    const [settling, stuck, owner] = [aUser(), aUser(), aUser({ account: new ObjectId(), is_owner: true })];
    const settlingOrder = managedBy(settling, 'old@example.com');
    const stuckOrder = managedBy(stuck, 'old@example.com');
    await insertAll(h.collections, { users: [settling, stuck, owner], orders: [settlingOrder, stuckOrder] });
    await h.collections.accounts.insertOne({ _id: owner.account, owner: { id: owner._id, name: 'Old' } });

    const report = await auditDrift(h.collections);
    const classified = await classifyInFlight(report, h.collections, h.queues, {
      graceMs: 0,
      // A job finishing its write during the grace period.
      sleep: async () => {
        await h.collections.orders.updateOne(
          { _id: settlingOrder._id },
          { $set: { 'metadata.dashclicks_team.manager': metaOf(settling) } },
        );
      },
    });

    expect(classified).toMatchObject({ queued: 0, settled: 1 });
    expect(classified.inFlight.toJSON().drift['order-manager']).toEqual({
      count: 1,
      samples: [String(settlingOrder._id)],
    });
    expect(classified.drift.toJSON()).toMatchObject({
      total: 2,
      drift: {
        'order-manager': { count: 1, samples: [String(stuckOrder._id)] },
        'account-owner': { count: 1, samples: [String(owner.account)] },
      },
    });
  });

  it('an account whose owner has an owner-sync job waiting is in flight', async () => {
    const owner = aUser({ account: new ObjectId(), is_owner: true });
    await insertAll(h.collections, { users: [owner] });
    await h.collections.accounts.insertOne({ _id: owner.account, owner: { id: owner._id, name: 'Old' } });
    await h.enqueue('owner-sync', { userIds: [new ObjectId().toHexString(), owner._id.toHexString()] });

    const classified = await classifyInFlight(await auditDrift(h.collections), h.collections, h.queues, {
      graceMs: 0,
    });

    expect(classified.inFlight.toJSON().drift['account-owner'].samples).toContain(String(owner.account));
    expect(classified.drift.toJSON().drift['account-owner'].samples).not.toContain(String(owner.account));
  });
});
