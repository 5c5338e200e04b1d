import type { Job } from 'bullmq';
import type { DeadLetterEntry } from '../../../src/dead-letter/dead-letter-entry';
import type { UserBatchResult } from '../../../src/sync/sync-user-batch';
import { runCliInProcess } from '../../support/run-cli-in-process';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/** SPEC §2, §5: a job of many users dead-letters per user; the rest of the batch completes. */
describe('a batch job with one invalid user and one malformed id', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: '3' });
    await h.startWorkers();
  });
  afterAll(() => h.close());

  it('sends each bad subject to dead-letter alone, naming the field, completes the others, and replays one by id', async () => {
    const good = [aUser(), aUser()];
    const bad = aUser({ email: 42 });
    const users = [good[0], bad, good[1]];
    const orders = users.map(user => anOrder({ manager: user._id }));
    await insertAll(h.collections, { users, orders });

    const userIds = [good[0], bad, good[1]].map(user => user._id.toHexString());
    await h.enqueue('manager-sync', { userIds: [...userIds, 'not-an-id'] }, 'batch-1');
    await h.drain();

    for (const [n, user] of good.entries()) {
      const order = await h.collections.orders.findOne({ _id: orders[n === 0 ? 0 : 2]._id });
      expect(order?.metadata?.dashclicks_team?.manager).toEqual(metaOf(user));
    }
    expect(await h.collections.orders.findOne({ _id: orders[1]._id })).toEqual(orders[1]);

    const batch = await h.queues.get('manager-sync').getJob('batch-1');
    expect(await batch?.getState()).toBe('completed');
    // What the dashboard shows of the batch: how many users synced, and which did not (why: below).
    const outcome = batch?.returnvalue as UserBatchResult<object>;
    expect(outcome).toMatchObject({ users: 4, outcomes: { synced: 2, 'dead-lettered': 2 } });
    expect([...outcome.failed].sort()).toEqual([bad._id.toHexString(), 'not-an-id'].sort());

    const entries = (await h.queues
      .get('dead-letter')
      .getJobs(['waiting', 'prioritized'])) as Job<DeadLetterEntry>[];
    const byId = new Map(entries.map(entry => [String(entry.id), entry.data]));
    const badEntry = byId.get(`manager-sync__batch-1-${bad._id.toHexString()}`);
    expect(badEntry).toMatchObject({
      queue: 'manager-sync',
      jobId: `batch-1-${bad._id.toHexString()}`,
      data: { userId: bad._id.toHexString() },
    });
    expect(badEntry?.failedReason).toMatch(/email/);
    expect(byId.get('manager-sync__batch-1-not-an-id')?.failedReason).toMatch(/not-an-id.*hex ObjectId/);
    expect(entries).toHaveLength(2);

    // Fixed at the source, the one entry is replayed by id and converges; the other stays parked.
    await h.collections.users.updateOne({ _id: bad._id }, { $set: { email: 'fixed@example.com' } });
    const replay = await runCliInProcess(
      ['replay', '--id', `manager-sync__batch-1-${bad._id.toHexString()}`],
      {
        REDIS_URL: h.config.redisUrl,
        QUEUE_PREFIX: h.config.queuePrefix,
        LOG_LEVEL: 'silent',
      },
    );
    expect(replay.code).toBe(0);
    await waitUntil('the replayed user to converge', async () => {
      const order = await h.collections.orders.findOne({ _id: orders[1]._id });
      return order?.metadata?.dashclicks_team?.manager?.email === 'fixed@example.com';
    });
    const left = await h.queues.get('dead-letter').getJobs(['waiting', 'prioritized']);
    expect(left.map(entry => String(entry.id))).toEqual(['manager-sync__batch-1-not-an-id']);
  });
});
