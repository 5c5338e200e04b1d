/**
 * SPEC §2b through the wiring users run: one `user-sync all` process, its own connections and config.
 * Each test changes the side of the join that references users (orders, tasks, accounts, contacts) with
 * a plain driver client, as the platform's own services would, and waits for the copies.
 */
import { ObjectId, type Document } from 'mongodb';
import { useAllStack } from '../../support/all-stack';
import { runCliInProcess } from '../../support/run-cli-in-process';
import { aTask, aUser, anOrder, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';
import { listenerCounters, waitForQuietQueues } from '../../support/listener-counters';

const ownerOf = (user: Document) => ({
  id: user._id,
  name: user.name,
  email: user.email,
  phone: user.phone ?? '',
  avatar: user.image ?? null,
});

describe('the other side of the join (SPEC §2b), through user-sync all', () => {
  const stack = useAllStack({ env: { JOB_BACKOFF_MS: '50' } });

  const users = () => stack.db.collection('_users');
  const orders = () => stack.db.collection('_store.orders');
  const tasks = () => stack.db.collection('projects.tasks');
  const team = async (orderId: ObjectId) =>
    (await orders().findOne({ _id: orderId }))?.metadata?.dashclicks_team;

  it('an order reassigned to another manager, its specialist removed: copies follow, and so does the new manager', async () => {
    const [before, after, specialist] = [aUser(), aUser(), aUser()];
    await users().insertMany([before, after, specialist]);
    const order = anOrder({
      manager: before._id,
      specialist: specialist._id,
      metadata: { dashclicks_team: { manager: metaOf(before), specialist: metaOf(specialist) } },
    });
    await orders().insertOne(order);

    await orders().updateOne(
      { _id: order._id },
      { $set: { manager: after._id }, $unset: { specialist: '' } },
    );
    const copies = await waitUntil('the new manager copy and no specialist copy', async () => {
      const current = await team(order._id);
      return current?.manager?.id?.equals(after._id) && current.specialist === undefined
        ? current
        : undefined;
    });
    expect(copies).toEqual({ manager: metaOf(after) });

    // The user side still follows the order it now manages.
    await users().updateOne({ _id: after._id }, { $set: { name: 'New Manager Renamed' } });
    await waitUntil(
      'the renamed manager',
      async () => (await team(order._id))?.manager?.name === 'New Manager Renamed',
    );
  });

  it('a manager field naming no existing user removes the copy', async () => {
    const manager = aUser();
    await users().insertOne(manager);
    const order = anOrder({
      manager: manager._id,
      metadata: { dashclicks_team: { manager: metaOf(manager) } },
    });
    await orders().insertOne(order);
    await orders().updateOne({ _id: order._id }, { $set: { manager: new ObjectId() } });
    await waitUntil('the copy removed', async () => {
      const current = await orders().findOne({ _id: order._id });
      return current !== null && current.metadata?.dashclicks_team?.manager === undefined;
    });
  });

  it('a user added to and removed from assigned_user_ids: the responsible list and the tasks follow', async () => {
    const [kept, added] = [aUser(), aUser()];
    await users().insertMany([kept, added]);
    const order = anOrder({ assigned_user_ids: [kept._id], metadata: { responsible: [metaOf(kept)] } });
    await orders().insertOne(order);
    const task = aTask(order, { order_metadata: { responsible: [metaOf(kept)] } });
    await tasks().insertOne(task);

    await orders().updateOne({ _id: order._id }, { $push: { assigned_user_ids: added._id } } as Document);
    const both = [metaOf(kept), metaOf(added)];
    await waitUntil('the added member in the order and its task', async () => {
      const [current, copy] = await Promise.all([
        orders().findOne({ _id: order._id }),
        tasks().findOne({ _id: task._id }),
      ]);
      return (
        sameJson(current?.metadata?.responsible, both) && sameJson(copy?.order_metadata?.responsible, both)
      );
    });

    await orders().updateOne({ _id: order._id }, { $pull: { assigned_user_ids: kept._id } } as Document);
    await waitUntil('the removed member gone from the order and its task', async () => {
      const copy = await tasks().findOne({ _id: task._id });
      return sameJson(copy?.order_metadata?.responsible, [metaOf(added)]);
    });
    expect((await orders().findOne({ _id: order._id }))?.metadata.responsible).toEqual([metaOf(added)]);
  });

  it('an order inserted bare gets every copy, and its tasks the responsible list', async () => {
    const [manager, specialist, member] = [aUser(), aUser(), aUser()];
    await users().insertMany([manager, specialist, member]);
    const order = anOrder({
      manager: manager._id,
      specialist: specialist._id,
      assigned_user_ids: [member._id, manager._id],
    });
    const task = aTask(order, { order_metadata: {} });
    await tasks().insertOne(task);
    await orders().insertOne(order);

    const expected = [metaOf(member), metaOf(manager)];
    await waitUntil('the bare order filled in', async () => {
      const [current, copy] = await Promise.all([
        orders().findOne({ _id: order._id }),
        tasks().findOne({ _id: task._id }),
      ]);
      return (
        // Two jobs write the two copies, in either order: compare each, not the sub-document's key order.
        sameJson(current?.metadata?.dashclicks_team?.manager, metaOf(manager)) &&
        sameJson(current?.metadata?.dashclicks_team?.specialist, metaOf(specialist)) &&
        sameJson(current?.metadata?.responsible, expected) &&
        sameJson(copy?.order_metadata?.responsible, expected)
      );
    });
  });

  it('a task inserted bare gets its order list; a task moved to another order gets that order list', async () => {
    const [first, second] = [aUser(), aUser()];
    await users().insertMany([first, second]);
    const orderA = anOrder({ assigned_user_ids: [first._id], metadata: { responsible: [metaOf(first)] } });
    const orderB = anOrder({ assigned_user_ids: [second._id], metadata: { responsible: [metaOf(second)] } });
    await orders().insertMany([orderA, orderB]);
    const bare = aTask(orderA, { order_metadata: null });
    // Neither can take a sub-field: the copy must replace the whole value.
    const legacy = aTask(orderA, { order_metadata: 'legacy' });
    await tasks().insertMany([bare, legacy]);
    await waitUntil('the bare task and the one with a string', async () => {
      const copied = await tasks()
        .find({ _id: { $in: [bare._id, legacy._id] } })
        .toArray();
      return (
        copied.length === 2 && copied.every(t => sameJson(t.order_metadata?.responsible, [metaOf(first)]))
      );
    });

    await tasks().updateOne({ _id: bare._id }, { $set: { order_id: orderB._id } });
    await waitUntil('the moved task', async () =>
      sameJson((await tasks().findOne({ _id: bare._id }))?.order_metadata?.responsible, [metaOf(second)]),
    );
  });

  it('2,000 tasks inserted at once for one order all get its list', async () => {
    const member = aUser();
    await users().insertOne(member);
    const order = anOrder({ assigned_user_ids: [member._id], metadata: { responsible: [metaOf(member)] } });
    await orders().insertOne(order);
    await tasks().insertMany(Array.from({ length: 2000 }, () => aTask(order, { order_metadata: undefined })));
    await waitUntil(
      'every task copied',
      async () =>
        (await tasks().countDocuments({
          order_id: order._id,
          'order_metadata.responsible.id': member._id,
        })) === 2000,
      { timeoutMs: 60_000 },
    );
  }, 90_000);

  it('an account created after its owner gets the owner; a business contact added gets the owner email', async () => {
    const accountId = new ObjectId();
    const owner = aUser({ account: accountId, is_owner: true });
    await users().insertOne(owner);
    await stack.db.collection('_accounts').insertOne({ _id: accountId, name: 'Late Account' });
    await waitUntil('the account owner', async () =>
      sameJson((await stack.db.collection('_accounts').findOne({ _id: accountId }))?.owner, ownerOf(owner)),
    );

    const contacts = stack.db.collection('crm.contacts');
    const business = {
      _id: new ObjectId(),
      account: accountId,
      type: 'business',
      email: 'placeholder@example.com',
    };
    const person = { _id: new ObjectId(), account: accountId, type: 'person', email: 'someone@example.com' };
    await contacts.insertMany([business, person]);
    await waitUntil(
      'the business contact email',
      async () => (await contacts.findOne({ _id: business._id }))?.email === owner.email,
    );

    // A contact that becomes a business contact later follows too.
    await contacts.updateOne({ _id: person._id }, { $set: { type: 'business' } });
    await waitUntil(
      'the converted contact',
      async () => (await contacts.findOne({ _id: person._id }))?.email === owner.email,
    );
  });

  it('once converged, its own writes cause no events and no jobs for 5 s, and verify is clean without --fix', async () => {
    await waitForQuietQueues(stack.all.url);
    const before = await listenerCounters(stack.all.url);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      expect(await listenerCounters(stack.all.url)).toEqual(before);
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    const verify = await runCliInProcess(['verify', '--json'], { ...stack.env, LOG_LEVEL: 'warn' });
    expect(JSON.parse(verify.stdout)).toMatchObject({ clean: true });
    expect(verify.code).toBe(0);
  });
});

describe('SYNC_REFERENCES=false', () => {
  const stack = useAllStack({ env: { SYNC_REFERENCES: 'false' } });

  it('turns §2b off: order, task, account and contact changes enqueue nothing; user changes still sync', async () => {
    const { db } = stack;
    const url = stack.all.url;
    const manager = aUser();
    await db.collection('_users').insertOne(manager);
    await waitForQuietQueues(url);
    const before = await listenerCounters(url);

    const order = anOrder({ manager: manager._id, assigned_user_ids: [manager._id] });
    await db.collection('_store.orders').insertOne(order);
    await db.collection('projects.tasks').insertOne(aTask(order));
    await db.collection('_accounts').insertOne({ _id: manager.account, name: 'no owner copy' });
    await db
      .collection('crm.contacts')
      .insertOne({ account: manager.account, type: 'business', email: 'x@y.z' });
    // Then a user change, which must still go through: once it has, the earlier changes had their chance.
    await db.collection('_users').updateOne({ _id: manager._id }, { $set: { name: 'Still Followed' } });
    await waitUntil(
      'the user change',
      async () =>
        (await db.collection('_store.orders').findOne({ _id: order._id }))?.metadata?.dashclicks_team?.manager
          ?.name === 'Still Followed',
    );
    await waitForQuietQueues(url);
    const after = await listenerCounters(url);
    // One event (the user update), routed to the user jobs; nothing for the other documents.
    expect(after.eventsSeen - before.eventsSeen).toBe(1);
    const added = (queue: string) => (after.jobsEnqueued[queue] ?? 0) - (before.jobsEnqueued[queue] ?? 0);
    expect(
      ['owner-sync', 'manager-sync', 'specialist-sync', 'responsible-rebuild', 'task-cascade'].map(added),
    ).toEqual([0, 1, 1, 1, 0]);
  });
});

function sameJson(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(actual) === JSON.stringify(expected);
}
