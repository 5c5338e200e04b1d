import { ObjectId } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

describe('a user that breaks the schema', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: '5' });
    await h.startWorkers();
  });
  afterAll(() => h.close());

  it.each([
    ['name', { name: 42 }],
    ['email', { email: { not: 'a string' } }],
    ['account', { account: 'not-an-objectid' }],
  ])(
    'with a bad %s goes to dead-letter at once, naming the field, and nothing is written',
    async (field, override) => {
      const account = new ObjectId();
      const bad = aUser({ account: new ObjectId(), is_owner: true, ...override });
      const good = aUser();
      const order = anOrder({
        manager: bad._id,
        assigned_user_ids: [bad._id],
        metadata: { responsible: [{ id: bad._id, name: 'before' }] },
      });
      const goodOrder = anOrder({ manager: good._id });
      await insertAll(h.collections, {
        users: [bad, good],
        accounts: [{ _id: account }],
        orders: [order, goodOrder],
      });

      for (const queue of ['owner-sync', 'manager-sync', 'responsible-rebuild'] as const) {
        await h.enqueue(queue, { userId: bad._id.toHexString() }, `bad-${field}-${queue}`);
      }
      await h.enqueue('manager-sync', { userId: good._id.toHexString() });
      await h.drain();

      expect(await h.collections.orders.findOne({ _id: order._id })).toEqual(order);
      expect(
        (await h.collections.orders.findOne({ _id: goodOrder._id }))?.metadata.dashclicks_team.manager,
      ).toEqual(metaOf(good));

      const deadLetter = await h.queues.get('dead-letter').getJobs(['waiting', 'delayed', 'prioritized']);
      for (const queue of ['owner-sync', 'manager-sync', 'responsible-rebuild']) {
        const entries = deadLetter.filter(
          job => job.data.queue === queue && job.data.jobId === `bad-${field}-${queue}`,
        );
        expect(entries).toHaveLength(1);
        expect(entries[0].data).toMatchObject({
          name: queue,
          data: { userId: bad._id.toHexString() },
          attemptsMade: 1,
        });
        expect(entries[0].data.failedReason).toContain(field);
        expect(typeof entries[0].data.failedAt).toBe('string');
        const original = await h.queues.get(queue as 'owner-sync').getJob(`bad-${field}-${queue}`);
        expect(original?.attemptsMade).toBe(1);
      }
    },
  );
});
