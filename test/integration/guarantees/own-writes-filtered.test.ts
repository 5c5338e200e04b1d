import { Redis } from 'ioredis';
import { ObjectId } from 'mongodb';
import pino from 'pino';
import { ChangeListener } from '../../../src/listener/change-listener';
import { SYNC_QUEUES, type SyncQueueName } from '../../../src/queues/queue-names';
import { trackRedis } from '../../support/leak-guard';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §2b: user-sync's own writes (team copies set and unset, a responsible element, a task copy, an
 * account owner, a contact email) never pass the listener's server-side filter, with SYNC_REFERENCES on.
 * Counted exactly: a write that leaked through would show as one more event seen, even when routing then
 * found no job for it, and a feedback loop would show as jobs.
 */
describe("the listener's filter and user-sync's own writes", () => {
  let h: SyncHarness;
  let redis: Redis;
  let listener: ChangeListener;
  const user = aUser({ is_owner: true });
  const other = aUser();
  const contact = { _id: new ObjectId(), account: user.account, type: 'business', email: 'old@example.com' };
  const order = anOrder({ manager: user._id, specialist: user._id, assigned_user_ids: [user._id] });
  const task = aTask(order);
  const unsetOrder = anOrder({
    manager: other._id,
    specialist: other._id,
    metadata: { dashclicks_team: { manager: metaOf(other), specialist: metaOf(other) } },
  });

  beforeAll(async () => {
    h = await startSyncHarness();
    redis = trackRedis(new Redis(h.config.redisUrl, { maxRetriesPerRequest: null }), 'own-writes test');
    await insertAll(h.collections, {
      users: [user, other],
      accounts: [{ _id: user.account }],
      contacts: [contact],
      orders: [order, unsetOrder],
      tasks: [task],
    });
    await h.startWorkers();
    listener = new ChangeListener({
      database: h.db,
      scope: { collections: h.config.collections, syncReferences: true },
      queues: h.queues,
      redis,
      queuePrefix: h.config.queuePrefix,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      resyncAll: () => Promise.reject(new Error('no history may be lost in this test')),
      leaseTtlMs: 1000,
      checkpointEveryMs: 100,
      maxAwaitTimeMS: 100,
    });
    listener.start();
    await waitUntil('the stream open', () => listener.stats.streamOpen);
  });
  afterAll(async () => {
    await listener?.stop();
    await redis?.quit();
    await h?.close();
  });

  function counters() {
    return { events: listener.stats.eventsSeen, jobs: { ...listener.stats.jobsEnqueued } };
  }

  /**
   * Once the copies are written and the queues drained, watched writes of the test's own: an account and
   * its owner inserted (two events, an owner-sync job each), after which the account has its copy. The
   * stream delivers in order, so once that copy is there every earlier write has had its chance to be
   * seen. Returns what came before the marker.
   */
  async function countedThroughMarker(
    before: ReturnType<typeof counters>,
    least: { events: number; jobs: number },
  ) {
    await h.drain();
    const marker = aUser({ is_owner: true });
    await h.collections.accounts.insertOne({ _id: marker.account });
    await h.collections.users.insertOne(marker);
    const total = (jobs: Record<string, number>) => Object.values(jobs).reduce((sum, n) => sum + n, 0);
    await waitUntil('the marker seen and its jobs counted', async () => {
      const account = await h.collections.accounts.findOne({ _id: marker.account });
      const now = counters();
      return (
        account?.owner !== undefined &&
        now.events >= before.events + least.events + 2 &&
        total(now.jobs) >= total(before.jobs) + least.jobs + 2
      );
    });
    await h.drain();
    const after = counters();
    const jobs = Object.fromEntries(
      SYNC_QUEUES.map(queue => [queue, after.jobs[queue] - before.jobs[queue]]),
    ) as Record<SyncQueueName, number>;
    jobs['owner-sync'] -= 2;
    return { events: after.events - before.events - 2, jobs };
  }

  const noJobs = Object.fromEntries(SYNC_QUEUES.map(queue => [queue, 0]));

  it('a rename of an owner who manages, specialises and is responsible: one event, one job per rule', async () => {
    const before = counters();
    await h.collections.users.updateOne(
      { _id: user._id },
      { $set: { name: 'Renamed Owner', email: 'renamed@example.com' } },
    );
    const renamed = { ...metaOf(user), name: 'Renamed Owner', email: 'renamed@example.com' };
    await waitUntil('every copy written', async () => {
      const [o, t, a, c] = await Promise.all([
        h.collections.orders.findOne({ _id: order._id }),
        h.collections.tasks.findOne({ _id: task._id }),
        h.collections.accounts.findOne({ _id: user.account }),
        h.collections.contacts.findOne({ _id: contact._id }),
      ]);
      return (
        o?.metadata?.dashclicks_team?.manager?.name === renamed.name &&
        o.metadata.dashclicks_team.specialist?.name === renamed.name &&
        o.metadata.responsible?.[0]?.name === renamed.name &&
        t?.order_metadata?.responsible?.[0]?.name === renamed.name &&
        a?.owner?.name === renamed.name &&
        c?.email === renamed.email
      );
    });
    const counted = await countedThroughMarker(before, { events: 1, jobs: 4 });
    expect(counted.events).toBe(1);
    expect(counted.jobs).toEqual({
      ...noJobs,
      'owner-sync': 1,
      'manager-sync': 1,
      'specialist-sync': 1,
      'responsible-rebuild': 1,
    });
  });

  it('an order whose manager and specialist go: one event, and the copies unset cause none', async () => {
    const before = counters();
    await h.collections.orders.updateOne(
      { _id: unsetOrder._id },
      { $set: { manager: new ObjectId() }, $unset: { specialist: '' } },
    );
    await waitUntil('both copies unset', async () => {
      const current = await h.collections.orders.findOne({ _id: unsetOrder._id });
      return (
        current !== null &&
        current.metadata?.dashclicks_team?.manager === undefined &&
        current.metadata?.dashclicks_team?.specialist === undefined
      );
    });
    const counted = await countedThroughMarker(before, { events: 1, jobs: 2 });
    expect(counted.events).toBe(1);
    expect(counted.jobs).toEqual({ ...noJobs, 'manager-sync': 1, 'specialist-sync': 1 });
  });

  it('user fields named like watched ones (nickname, settings.email, billing.account) cause nothing', async () => {
    const before = counters();
    await h.collections.users.updateOne({ _id: user._id }, { $set: { nickname: 'Nick' } });
    await h.collections.users.updateOne(
      { _id: user._id },
      { $set: { 'settings.email': 'digest@example.com' } },
    );
    await h.collections.users.updateOne({ _id: user._id }, { $set: { billing: { account: 'acct_1' } } });
    await h.collections.users.updateOne({ _id: user._id }, { $set: { 'billing.account': 'acct_2' } });
    const counted = await countedThroughMarker(before, { events: 0, jobs: 0 });
    expect(counted.events).toBe(0);
    expect(counted.jobs).toEqual(noJobs);
  });
});
