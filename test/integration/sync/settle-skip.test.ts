import { MongoClient, ObjectId, type CommandStartedEvent, type Document } from 'mongodb';
import managerSync from '../../../jobs/manager-sync';
import ownerSync from '../../../jobs/owner-sync';
import responsibleRebuild from '../../../jobs/responsible-rebuild';
import specialistSync from '../../../jobs/specialist-sync';
import taskCascade from '../../../jobs/task-cascade';
import { syncCollections } from '../../../src/db/sync-collections';
import type { SyncCollections, SyncJobContext } from '../../../src/sync/sync-job-context';
import { armFaultPoint, disarmFaultPoints, FaultPointNames } from '../../../src/testing/fault-points';
import { directJobContext } from '../../support/direct-job-context';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

type Processor = (data: unknown, ctx: SyncJobContext) => Promise<unknown>;

/**
 * A run whose writes modified nothing skips the settle re-read. That is safe only because "nothing
 * modified" proves it wrote nothing stale; these tests hold a run between its read and its write while
 * the user changes and a newer run completes, so the held run's write DOES modify (it puts the older
 * values back), and it must still re-read and converge. A skip applied regardless of what was modified
 * leaves the older values and fails each of them.
 */
describe('settle: the re-read is skipped only when a round modified nothing', () => {
  let h: SyncHarness;
  let monitored: MongoClient;
  let collections: SyncCollections;
  const commands: { name: string; collection: unknown }[] = [];
  beforeAll(async () => {
    h = await startSyncHarness();
    monitored = await MongoClient.connect(h.mongo.uri, { monitorCommands: true });
    monitored.on('commandStarted', (event: CommandStartedEvent) =>
      commands.push({ name: event.commandName, collection: event.command[event.commandName] }),
    );
    collections = syncCollections(monitored.db(h.db.databaseName), h.config.collections);
  });
  afterEach(() => disarmFaultPoints());
  afterAll(async () => {
    await monitored.close();
    await h.close();
  });

  /** Runs `processor` for `user`; a newer run for the renamed user completes between its read and write. */
  async function raceWithNewerRun(processor: Processor, user: Document, change: Document) {
    const ctx = directJobContext(h.collections);
    const job = { userIds: [user._id.toHexString()] };
    armFaultPoint(FaultPointNames.settleBeforeWrite, async () => {
      await h.collections.users.updateOne({ _id: user._id }, { $set: change });
      await processor(job, ctx);
    });
    await processor(job, ctx);
  }

  /** The `find`s on the users collection a direct run of `processor` sends. */
  async function userReadsOf(processor: Processor, data: Record<string, unknown>): Promise<number> {
    commands.length = 0;
    await processor(data, directJobContext(collections));
    return commands.filter(
      command => command.name === 'find' && command.collection === h.config.collections.users,
    ).length;
  }

  it.each([
    ['manager-sync', managerSync, 'manager'],
    ['specialist-sync', specialistSync, 'specialist'],
  ] as const)(
    '%s: a held run that puts the older meta back re-reads and writes the newer one',
    async (_name, processor, role) => {
      const user = aUser({ name: 'Older' });
      const order = anOrder({ [role]: user._id });
      await insertAll(h.collections, { users: [user], orders: [order] });

      await raceWithNewerRun(processor, user, { name: 'Newer' });

      const saved = await h.collections.orders.findOne({ _id: order._id });
      expect(saved?.metadata?.dashclicks_team?.[role]).toEqual(metaOf({ ...user, name: 'Newer' }));
    },
  );

  it('owner-sync: a held run that puts the older Owner back on the account (no contacts) re-reads and writes the newer one', async () => {
    const account = new ObjectId();
    const owner = aUser({ account, is_owner: true, email: 'older@example.com' });
    await insertAll(h.collections, { users: [owner], accounts: [{ _id: account }] });

    await raceWithNewerRun(ownerSync, owner, { email: 'newer@example.com' });

    const saved = await h.collections.accounts.findOne({ _id: account });
    expect(saved?.owner?.email).toBe('newer@example.com');
  });

  it('owner-sync: a held run that puts the older email back on the contacts (no account document) re-reads and writes the newer one', async () => {
    const account = new ObjectId();
    const owner = aUser({ account, is_owner: true, email: 'older@example.com' });
    const contact = { _id: new ObjectId(), account, type: 'business', email: 'someone@example.com' };
    await insertAll(h.collections, { users: [owner], contacts: [contact] });

    await raceWithNewerRun(ownerSync, owner, { email: 'newer@example.com' });

    expect((await h.collections.contacts.findOne({ _id: contact._id }))?.email).toBe('newer@example.com');
  });

  it('responsible-rebuild (in place): a held run that puts the older element back re-reads and writes the newer one', async () => {
    const user = aUser({ name: 'Older' });
    const order = anOrder({ assigned_user_ids: [user._id], metadata: { responsible: [metaOf(user)] } });
    await insertAll(h.collections, { users: [user], orders: [order] });

    await raceWithNewerRun(responsibleRebuild, user, { name: 'Newer' });

    const saved = await h.collections.orders.findOne({ _id: order._id });
    expect(saved?.metadata?.responsible).toEqual([metaOf({ ...user, name: 'Newer' })]);
  });

  it('task-cascade (in place): a held run that puts the older element back on the tasks re-reads and writes the newer one', async () => {
    const user = aUser({ name: 'Older' });
    const order = anOrder({ assigned_user_ids: [user._id], metadata: { responsible: [metaOf(user)] } });
    const task = aTask(order, { order_metadata: { responsible: [metaOf(user)] } });
    await insertAll(h.collections, { users: [user], orders: [order], tasks: [task] });

    await raceWithNewerRun(taskCascade, user, { name: 'Newer' });

    const saved = await h.collections.tasks.findOne({ _id: task._id });
    expect(saved?.order_metadata?.responsible).toEqual([metaOf({ ...user, name: 'Newer' })]);
  });

  it('a run whose writes modify nothing reads its users once; one that modifies reads them twice', async () => {
    const account = new ObjectId();
    const user = aUser({ account, is_owner: true });
    const order = anOrder({
      manager: user._id,
      specialist: user._id,
      assigned_user_ids: [user._id],
      metadata: { responsible: [{ ...metaOf(user), name: 'stale' }] },
    });
    const task = aTask(order, { order_metadata: { responsible: [{ ...metaOf(user), name: 'stale' }] } });
    await insertAll(h.collections, {
      users: [user],
      orders: [order],
      tasks: [task],
      accounts: [{ _id: account }],
      contacts: [{ _id: new ObjectId(), account, type: 'business', email: 'stale@example.com' }],
    });
    const job = { userIds: [user._id.toHexString()] };

    for (const processor of [managerSync, specialistSync, ownerSync, taskCascade]) {
      expect(await userReadsOf(processor, job)).toBe(2);
      expect(await userReadsOf(processor, job)).toBe(1);
    }
    // A user who is nobody's anything costs one read per job.
    const loner = aUser();
    await insertAll(h.collections, { users: [loner] });
    for (const processor of [managerSync, specialistSync, ownerSync, taskCascade]) {
      expect(await userReadsOf(processor, { userIds: [loner._id.toHexString()] })).toBe(1);
    }
  });
});

describe('task-cascade: tasks lacking a member still get their order’s array (no straggler command in the steady state)', () => {
  let h: SyncHarness;
  let monitored: MongoClient;
  let collections: SyncCollections;
  const commands: string[] = [];
  beforeAll(async () => {
    h = await startSyncHarness();
    monitored = await MongoClient.connect(h.mongo.uri, { monitorCommands: true });
    monitored.on('commandStarted', (event: CommandStartedEvent) =>
      commands.push(`${event.commandName} ${String(event.command[event.commandName])}`),
    );
    collections = syncCollections(monitored.db(h.db.databaseName), h.config.collections);
  });
  afterAll(async () => {
    await monitored.close();
    await h.close();
  });

  async function cascade(users: Document[]) {
    commands.length = 0;
    await taskCascade({ userIds: users.map(user => user._id.toHexString()) }, directJobContext(collections));
    return [...commands];
  }

  it('a task without the user, or without order_metadata at all, gets the whole array; others only the element', async () => {
    const [ann, bob] = [aUser(), aUser()];
    const array = [metaOf(ann), metaOf(bob)];
    const order = anOrder({ assigned_user_ids: [ann._id, bob._id], metadata: { responsible: array } });
    const holding = aTask(order, {
      order_metadata: { responsible: [{ ...metaOf(ann), name: 'stale' }, metaOf(bob)] },
    });
    // Already current: the in-place statement leaves it alone, which must not hide the stragglers.
    const current = aTask(order, { order_metadata: { responsible: array } });
    const empty = aTask(order);
    const { order_metadata: _none, ...bare } = aTask(order);
    const otherOrder = anOrder({ assigned_user_ids: [bob._id], metadata: { responsible: [metaOf(bob)] } });
    const untouched = aTask(otherOrder);
    await insertAll(h.collections, {
      users: [ann, bob],
      orders: [order, otherOrder],
      tasks: [holding, current, empty, bare, untouched],
    });

    await cascade([ann]);

    for (const task of [holding, current, empty, bare]) {
      expect((await h.collections.tasks.findOne({ _id: task._id }))?.order_metadata?.responsible).toEqual(
        array,
      );
    }
    // Not an order of the batch's user: not this job's to copy.
    expect((await h.collections.tasks.findOne({ _id: untouched._id }))?.order_metadata?.responsible).toEqual(
      [],
    );
  });

  it('a batch of two: a task holding one batch user and lacking the other gets the whole array', async () => {
    const [ann, bob] = [aUser(), aUser()];
    const array = [metaOf(ann), metaOf(bob)];
    const order = anOrder({ assigned_user_ids: [ann._id, bob._id], metadata: { responsible: array } });
    const halfway = aTask(order, { order_metadata: { responsible: [metaOf(ann)] } });
    await insertAll(h.collections, { users: [ann, bob], orders: [order], tasks: [halfway] });

    await cascade([ann, bob]);

    expect((await h.collections.tasks.findOne({ _id: halfway._id }))?.order_metadata?.responsible).toEqual(
      array,
    );
  });

  it('a batch with a deleted user asks again for the orders of the users it has, and still finds stragglers', async () => {
    const ann = aUser();
    const gone = aUser();
    const order = anOrder({ assigned_user_ids: [ann._id], metadata: { responsible: [metaOf(ann)] } });
    const lacking = aTask(order);
    await insertAll(h.collections, { users: [ann], orders: [order], tasks: [lacking] });

    await cascade([ann, gone]);

    expect((await h.collections.tasks.findOne({ _id: lacking._id }))?.order_metadata?.responsible).toEqual([
      metaOf(ann),
    ]);
  });

  it('in the steady state the check costs one find, started with the users read, and copies nothing', async () => {
    // bob is not in the batch: an order holding several batch users is always copied (its tasks may
    // hold one and lack another), which is not the steady state measured here.
    const [ann, bob] = [aUser(), aUser()];
    const order = anOrder({
      assigned_user_ids: [ann._id, bob._id],
      metadata: { responsible: [metaOf(ann), metaOf(bob)] },
    });
    const tasks = [0, 1, 2].map(() =>
      aTask(order, { order_metadata: { responsible: [{ ...metaOf(ann), name: 'stale' }, metaOf(bob)] } }),
    );
    await insertAll(h.collections, { users: [ann, bob], orders: [order], tasks });
    const { orders, tasks: tasksName, users } = h.config.collections;

    // The users and their orders are asked for together, in either order. The first run renames ann's
    // element (so it settles with a re-read); the second finds everything in place.
    const first = await cascade([ann]);
    expect(first.slice(0, 2).sort()).toEqual([`find ${orders}`, `find ${users}`].sort());
    expect(first.slice(2)).toEqual([`update ${tasksName}`, `find ${users}`]);
    const second = await cascade([ann]);
    expect(second.slice(0, 2).sort()).toEqual([`find ${orders}`, `find ${users}`].sort());
    expect(second.slice(2)).toEqual([`update ${tasksName}`]);
    for (const task of tasks) {
      expect((await h.collections.tasks.findOne({ _id: task._id }))?.order_metadata?.responsible).toEqual([
        metaOf(ann),
        metaOf(bob),
      ]);
    }
  });
});
