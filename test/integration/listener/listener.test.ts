import { Redis } from 'ioredis';
import { ObjectId } from 'mongodb';
import pino from 'pino';
import { ChangeListener } from '../../../src/listener/change-listener';
import { enqueueResync } from '../../../src/resync/enqueue-resync';
import { SYNC_QUEUES } from '../../../src/queues/queue-names';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf, usersOfJob } from '../../support/sync-fixtures';
import { trackRedis } from '../../support/leak-guard';
import { waitUntil } from '../../support/wait-until';

async function totalJobs(h: SyncHarness): Promise<number> {
  const counts = await Promise.all(
    SYNC_QUEUES.map(queue =>
      h.queues
        .get(queue)
        .getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'),
    ),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Waits until `check` holds; the listener works asynchronously, so outcomes are polled, not awaited. */
const eventually = (check: () => Promise<boolean>, timeoutMs = 20_000) =>
  waitUntil('the listener outcome', check, { timeoutMs }).then(() => undefined);

describe('change-stream listener', () => {
  let h: SyncHarness;
  let redis: Redis;
  let listener: ChangeListener;

  beforeAll(async () => {
    h = await startSyncHarness();
    redis = trackRedis(new Redis(h.config.redisUrl, { maxRetriesPerRequest: null }), 'listener test');
  });
  afterEach(async () => {
    await listener?.stop();
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  function startListener(
    overrides: Partial<ConstructorParameters<typeof ChangeListener>[0]> = {},
  ): ChangeListener {
    listener = new ChangeListener({
      database: h.db,
      // The user path alone: these tests count its jobs, which order and task inserts would add to.
      scope: { collections: h.config.collections, syncReferences: false },
      queues: h.queues,
      redis,
      queuePrefix: h.config.queuePrefix,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      resyncAll: async () => {
        await enqueueResync(
          { all: true },
          { collections: h.collections, queues: h.queues, source: 'test', syncReferences: false },
        );
      },
      leaseTtlMs: 1000,
      checkpointEveryMs: 100,
      maxAwaitTimeMS: 100,
      ...overrides,
    });
    listener.start();
    return listener;
  }

  it('turns a user change into jobs whose effects reach orders and tasks', async () => {
    const account = new ObjectId();
    const owner = aUser({ account, is_owner: true });
    const member = aUser({ account });
    const order = anOrder({
      manager: member._id,
      assigned_user_ids: [member._id],
      metadata: { responsible: [metaOf(member)] },
    });
    await insertAll(h.collections, {
      users: [owner, member],
      accounts: [{ _id: account }],
      orders: [order],
      tasks: [aTask(order, { order_metadata: { responsible: [metaOf(member)] } })],
    });
    const pool = await h.startWorkers();
    startListener();
    await eventually(async () => listener.stats.streamOpen);

    await h.collections.users.updateOne(
      { _id: member._id },
      { $set: { name: 'Renamed' }, $unset: { phone: '' } },
    );
    await h.collections.users.updateOne({ _id: owner._id }, { $set: { email: 'owner@new.example.com' } });

    const expected = { ...metaOf(member), name: 'Renamed', phone: '' };
    await eventually(
      async () =>
        (await h.collections.tasks.findOne({ order_id: order._id }))?.order_metadata.responsible[0].name ===
        'Renamed',
    );
    await h.drain();
    const saved = await h.collections.orders.findOne({ _id: order._id });
    expect(saved?.metadata).toEqual({ responsible: [expected], dashclicks_team: { manager: expected } });
    expect((await h.collections.accounts.findOne({ _id: account }))?.owner.email).toBe(
      'owner@new.example.com',
    );
    await pool.close();
  });

  it('propagates an update that only removes a watched field: a phone unset shows as phone "" on the copies', async () => {
    const user = aUser();
    const order = anOrder({
      manager: user._id,
      assigned_user_ids: [user._id],
      metadata: { responsible: [metaOf(user)] },
    });
    await insertAll(h.collections, { users: [user], orders: [order] });
    const pool = await h.startWorkers();
    startListener();
    await eventually(async () => listener.stats.streamOpen);

    // Nothing is set: the change is visible only in updateDescription.removedFields.
    await h.collections.users.updateOne({ _id: user._id }, { $unset: { phone: '' } });

    await eventually(
      async () =>
        (await h.collections.orders.findOne({ _id: order._id }))?.metadata?.dashclicks_team?.manager
          ?.phone === '',
    );
    await h.drain();
    expect((await h.collections.orders.findOne({ _id: order._id }))?.metadata?.responsible).toEqual([
      { ...metaOf(user), phone: '' },
    ]);
    await pool.close();
  });

  it('enqueues nothing at all for an update of an unwatched field', async () => {
    const user = aUser();
    await h.collections.users.insertOne(user);
    startListener();
    await eventually(async () => listener.stats.streamOpen);
    const before = await totalJobs(h);
    const seenBefore = listener.stats.eventsSeen;

    await h.collections.users.updateOne(
      { _id: user._id },
      { $set: { last_login: new Date(), 'settings.theme': 'dark' } },
    );
    // A watched change afterwards proves the stream was live while the unwatched one went by.
    await h.collections.users.deleteOne({ _id: user._id });
    await eventually(async () => listener.stats.eventsSeen > seenBefore);

    expect(listener.stats.eventsSeen).toBe(seenBefore + 1);
    expect(await totalJobs(h)).toBe(before + 1);
  });

  it('coalesces a burst of 100 updates to one user while its job waits: one execution, the final state', async () => {
    const user = aUser();
    const order = anOrder({ manager: user._id });
    await insertAll(h.collections, { users: [user], orders: [order] });
    startListener();
    await eventually(async () => listener.stats.streamOpen);
    const seenBefore = listener.stats.eventsSeen;

    for (let n = 1; n <= 100; n += 1)
      await h.collections.users.updateOne({ _id: user._id }, { $set: { name: `Name ${n}` } });
    await eventually(async () => listener.stats.eventsSeen >= seenBefore + 100);
    const waiting = await h.queues.get('manager-sync').getJobs(['waiting', 'prioritized']);
    expect(waiting.filter(job => usersOfJob(job.data).includes(user._id.toHexString()))).toHaveLength(1);

    const pool = await h.startWorkers();
    let executions = 0;
    for (const worker of pool.workers.filter(w => w.name === 'manager-sync'))
      worker.on(
        'completed',
        job => (executions += usersOfJob(job.data).includes(user._id.toHexString()) ? 1 : 0),
      );
    await h.drain();
    await pool.close();

    expect(executions).toBe(1);
    expect(
      (await h.collections.orders.findOne({ _id: order._id }))?.metadata.dashclicks_team.manager.name,
    ).toBe('Name 100');
  });

  it('never drops a change that arrives while its job is running: it runs once more afterwards', async () => {
    const user = aUser();
    // Enough orders that the first job is still running while the next changes arrive.
    const orders = Array.from({ length: 3000 }, () => anOrder({ manager: user._id }));
    await insertAll(h.collections, { users: [user], orders });
    const pool = await h.startWorkers();
    let executions = 0;
    for (const worker of pool.workers.filter(w => w.name === 'manager-sync'))
      worker.on(
        'completed',
        job => (executions += usersOfJob(job.data).includes(user._id.toHexString()) ? 1 : 0),
      );
    startListener();
    await eventually(async () => listener.stats.streamOpen);

    await h.collections.users.updateOne({ _id: user._id }, { $set: { name: 'First' } });
    await eventually(async () => (await h.queues.get('manager-sync').getActiveCount()) > 0 || executions > 0);
    for (let n = 1; n <= 10; n += 1)
      await h.collections.users.updateOne({ _id: user._id }, { $set: { name: `While running ${n}` } });
    await eventually(
      async () =>
        (await h.collections.orders.countDocuments({
          'metadata.dashclicks_team.manager.name': 'While running 10',
        })) === 3000,
    );
    // The running job may already have caught the later changes itself (it re-reads after writing), so
    // the proof that the change was kept is the follow-up job BullMQ creates once the active one ends.
    await h.drain();
    await pool.close();

    expect(executions).toBeGreaterThanOrEqual(2);
  });

  it('resumes after its checkpoint: changes made while no listener ran are processed', async () => {
    const user = aUser();
    const order = anOrder({ manager: user._id });
    await insertAll(h.collections, { users: [user], orders: [order] });
    startListener();
    await eventually(async () => listener.stats.streamOpen);
    await h.collections.users.updateOne({ _id: user._id }, { $set: { email: 'first@example.com' } });
    await eventually(async () => listener.stats.jobsEnqueued['manager-sync'] > 0);
    await listener.stop();

    await h.collections.users.updateOne({ _id: user._id }, { $set: { email: 'while-down@example.com' } });
    const pool = await h.startWorkers();
    startListener();
    await eventually(
      async () =>
        (await h.collections.orders.findOne({ _id: order._id }))?.metadata?.dashclicks_team.manager.email ===
        'while-down@example.com',
    );
    await h.drain();
    await pool.close();
  });

  it('after the history it would resume from is lost, starts from now and enqueues a full resync', async () => {
    await redis.set(
      `${h.config.queuePrefix}:listener:checkpoint`,
      JSON.stringify({
        resumeToken: { _data: 'ffffffffffffffffffffffff' },
        clusterTimeMs: null,
        savedAt: new Date().toISOString(),
      }),
    );
    const users = [aUser(), aUser(), aUser()];
    await h.collections.users.insertMany(users);
    for (const queue of SYNC_QUEUES) await h.queues.get(queue).obliterate({ force: true });
    startListener();

    await eventually(async () => listener.stats.historyLostRecoveries === 1 && listener.stats.streamOpen);
    await eventually(
      async () =>
        (await h.queues.get('responsible-rebuild').getJobs(['waiting', 'prioritized'])).flatMap(job =>
          usersOfJob(job.data),
        ).length >= 3,
    );
    const resync = await h.queues.get('owner-sync').getJobs(['waiting', 'prioritized']);
    expect(resync.flatMap(job => usersOfJob(job.data))).toEqual(
      expect.arrayContaining(users.map(user => user._id.toHexString())),
    );
    expect(resync[0].data.cause).toMatchObject({ operationType: 'resync' });
  });

  it('one leader at a time: a standby takes over when the leader stops renewing, and the old one cannot checkpoint', async () => {
    const first = startListener();
    await eventually(async () => first.stats.leader);
    const second = new ChangeListener({
      database: h.db,
      // The user path alone: these tests count its jobs, which order and task inserts would add to.
      scope: { collections: h.config.collections, syncReferences: false },
      queues: h.queues,
      redis,
      queuePrefix: h.config.queuePrefix,
      logger: pino({ level: 'silent' }),
      resyncAll: async () => {},
      leaseTtlMs: 1000,
      maxAwaitTimeMS: 100,
    });
    second.start();
    try {
      await new Promise(resolve => setTimeout(resolve, 1500));
      expect([first.stats.leader, second.stats.leader]).toEqual([true, false]);
      await first.stop();
      await eventually(async () => second.stats.leader && second.stats.streamOpen, 5000);
    } finally {
      await second.stop();
    }
  });
});
