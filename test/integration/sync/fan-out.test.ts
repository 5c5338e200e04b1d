import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import pino from 'pino';
import responsibleRebuild from '../../../jobs/responsible-rebuild';
import managerSync from '../../../jobs/manager-sync';
import ownerSync from '../../../jobs/owner-sync';
import specialistSync from '../../../jobs/specialist-sync';
import taskCascade from '../../../jobs/task-cascade';
import { syncCollections } from '../../../src/db/sync-collections';
import { auditDrift } from '../../../src/verify/audit-drift';
import type { FollowUpJob, SyncJobContext } from '../../../src/sync/sync-job-context';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, metaOf } from '../../support/sync-fixtures';

/** The seed's loop cost two round trips per order; ours must not grow with the number of orders. */
jest.setTimeout(240_000);

describe('fan-out', () => {
  let h: SyncHarness;
  let monitored: MongoClient;
  const commands: string[] = [];
  beforeAll(async () => {
    h = await startSyncHarness();
    monitored = await MongoClient.connect(h.mongo.uri, { monitorCommands: true });
    monitored.on('commandStarted', (event: CommandStartedEvent) => commands.push(event.commandName));
  });
  afterAll(async () => {
    await monitored.close();
    await h.close();
  });

  async function seedUserOn(orderCount: number) {
    const user = aUser();
    const stale = { ...metaOf(user), name: 'stale' };
    const orders = Array.from({ length: orderCount }, () =>
      anOrder({ manager: user._id, assigned_user_ids: [user._id], metadata: { responsible: [stale] } }),
    );
    await h.collections.users.insertOne({ ...user, name: 'fresh' });
    await h.collections.orders.insertMany(orders);
    await h.collections.tasks.insertMany(
      orders.map(order => aTask(order, { order_metadata: { responsible: [stale] } })),
    );
    return { userId: user._id.toHexString() };
  }

  /** Runs a processor directly against the monitored client; returns the commands it issued and its follow-ups. */
  async function run(
    processor: (data: unknown, ctx: SyncJobContext) => Promise<unknown>,
    data: Record<string, unknown>,
  ) {
    const followUps: FollowUpJob[] = [];
    const ctx: SyncJobContext = {
      collections: syncCollections(monitored.db(h.db.databaseName), h.config.collections),
      jobId: 'fan-out-test',
      logger: pino({ level: 'silent' }),
      reportProgress: async () => {},
      enqueue: async (_queue, jobs) => void followUps.push(...jobs),
      rejectSubject: async (_subject, _data, error) => {
        throw error;
      },
    };
    commands.length = 0;
    const result = await processor(data, ctx);
    return { commands: [...commands], followUps, result };
  }

  it('issues the same database commands for 10 orders as for 10,000 on the in-place path', async () => {
    const small = await seedUserOn(10);
    const large = await seedUserOn(10_000);

    for (const processor of [managerSync, responsibleRebuild, taskCascade]) {
      const onSmall = await run(processor, small);
      const onLarge = await run(processor, large);
      expect(onLarge.commands).toEqual(onSmall.commands);
      expect(onLarge.commands.length).toBeLessThanOrEqual(8);
    }
  });

  it('issues the same database commands for a batch of 1 user as for a batch of 300', async () => {
    const seeded = [];
    for (let n = 0; n < 301; n += 1) seeded.push((await seedUserOn(3)).userId);
    for (const processor of [ownerSync, managerSync, responsibleRebuild, taskCascade]) {
      const onOne = await run(processor, { userIds: seeded.slice(0, 1) });
      const onMany = await run(processor, { userIds: seeded.slice(1) });
      expect(onMany.commands).toEqual(onOne.commands);
      expect(onMany.commands.length).toBeLessThanOrEqual(8);
    }
  });

  it('an order-scoped repair sends no statement for orders whose copies are already right', async () => {
    const user = aUser();
    const right = Array.from({ length: 3 }, () =>
      anOrder({ manager: user._id, metadata: { dashclicks_team: { manager: metaOf(user) } } }),
    );
    const stale = anOrder({ manager: user._id, metadata: { dashclicks_team: { manager: { name: 'old' } } } });
    await h.collections.users.insertOne(user);
    await h.collections.orders.insertMany([...right, stale]);
    const ids = (orders: Document[]) => ({ orderIds: orders.map(order => String(order._id)) });

    // Orders without a specialist and without its copy: nothing to write, nothing to re-read.
    const noSpecialist = await run(specialistSync, ids([...right, stale]));
    expect(noSpecialist.commands).toEqual(['find']);
    const converged = await run(managerSync, ids(right));
    expect(converged.commands).toEqual(['find', 'find']);
    expect(converged.result).toEqual({
      ordersMatched: 0,
      ordersUpdated: 0,
      orders: 3,
      outcomes: { 'already-synced': 3 },
      failed: [],
    });

    const mixed = await run(managerSync, ids([...right, stale]));
    expect(mixed.commands.filter(name => name === 'update')).toHaveLength(1);
    expect(mixed.result).toMatchObject({
      ordersUpdated: 1,
      orders: 4,
      outcomes: { 'already-synced': 3, synced: 1 },
      failed: [],
    });
    expect(
      (await h.collections.orders.findOne({ _id: stale._id }))?.metadata.dashclicks_team.manager,
    ).toEqual(metaOf(user));
  });

  it('a large batch rebuilds an order whose array holds one batch user and lacks another', async () => {
    const users = Array.from({ length: 25 }, () => aUser());
    const order = anOrder({
      assigned_user_ids: [users[0]._id, users[1]._id],
      metadata: { responsible: [metaOf(users[0])] },
    });
    await h.collections.users.insertMany(users);
    await h.collections.orders.insertOne(order);

    await run(responsibleRebuild, { userIds: users.map(user => user._id.toHexString()) });

    expect((await h.collections.orders.findOne({ _id: order._id }))?.metadata?.responsible).toEqual([
      metaOf(users[0]),
      metaOf(users[1]),
    ]);
  });

  it('converges through the workers: every copy of the 10,000 orders and tasks shows the user', async () => {
    const { userId } = await seedUserOn(10_000);
    await h.startWorkers();
    for (const queue of ['manager-sync', 'responsible-rebuild'] as const) await h.enqueue(queue, { userId });
    await h.drain(120_000);

    const report = await auditDrift(h.collections);
    expect(report.toJSON().drift).toMatchObject({
      'order-manager': { count: 0 },
      'order-responsible': { count: 0 },
      'task-responsible': { count: 0 },
    });
    expect(
      await h.collections.tasks.countDocuments({ 'order_metadata.responsible.name': 'fresh' }),
    ).toBeGreaterThanOrEqual(10_000);
  });

  it('splits a 12,000-order rebuild into chunked jobs and converges', async () => {
    const user = aUser();
    const orders = Array.from({ length: 12_000 }, () => anOrder({ assigned_user_ids: [user._id] }));
    await h.collections.users.insertOne(user);
    await h.collections.orders.insertMany(orders);

    const first = await run(responsibleRebuild, { userId: user._id.toHexString() });
    // One run rebuilds at most MAX_ORDERS_PER_RUN orders, then hands the rest to a continuation job.
    expect(first.followUps.some(job => 'afterOrderId' in job.data)).toBe(true);
    expect(
      first.followUps
        .filter(job => 'orderIds' in job.data)
        .every(job => (job.data.orderIds as string[]).length <= 1000),
    ).toBe(true);

    await h.enqueue('responsible-rebuild', { userId: user._id.toHexString() });
    await h.drain(120_000);
    expect(
      await h.collections.orders.countDocuments({
        assigned_user_ids: user._id,
        'metadata.responsible': [metaOf(user)],
      }),
    ).toBe(12_000);
  });
});
