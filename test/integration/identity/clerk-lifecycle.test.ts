import { ObjectId, type Document } from 'mongodb';
import { spawnCli } from '../../support/cli-process';
import {
  deletedEvent,
  deliver,
  nextSvixId,
  userEvent,
  type ClerkUserShape,
} from '../../support/clerk-webhooks';
import { waitUntil } from '../../support/wait-until';
import { useWebhookStack } from './webhook-stack';

/**
 * SPEC §7 end to end, through the processes users run: signed deliveries into `all`, identity-sync
 * writing the users document, the change stream and the five jobs carrying it to every copy.
 */
describe('users born and changed in Clerk', () => {
  const stack = useWebhookStack();
  const users = () => stack.db.collection('_users');
  const send = (event: Record<string, unknown>) =>
    deliver(stack.webhookUrl, { svixId: nextSvixId(), body: JSON.stringify(event) });

  async function created(user: ClerkUserShape): Promise<Document> {
    expect((await send(userEvent('user.created', user))).status).toBe(200);
    return waitUntil(`${user.id} to be created`, () => stack.userByClerkId(user.id));
  }

  it('user.created, then a rename in Clerk: the order, task, account and contact copies follow', async () => {
    const account = new ObjectId();
    const clerk = {
      id: 'user_e2e_rita',
      email: 'rita@example.com',
      first_name: 'Rita',
      last_name: 'Moss',
      phone: '+1 555 0100',
      updated_at: 1000,
      public_metadata: { account_id: account.toHexString(), is_owner: true },
    };
    await stack.db.collection('_accounts').insertOne({ _id: account, name: 'Acme' });
    await stack.db
      .collection('crm.contacts')
      .insertOne({ account, type: 'business', email: 'old@example.com' });
    const rita = await created(clerk);
    expect(rita).toMatchObject({ name: 'Rita Moss', phone: '+1 555 0100', account, is_owner: true });
    const order = new ObjectId();
    await stack.db.collection('_store.orders').insertOne({
      _id: order,
      manager: rita._id,
      specialist: rita._id,
      assigned_user_ids: [rita._id],
      metadata: {},
    });
    await stack.db
      .collection('projects.tasks')
      .insertOne({ order_id: order, order_metadata: { responsible: [] } });

    expect(
      (await send(userEvent('user.updated', { ...clerk, first_name: 'Margarita', updated_at: 2000 }))).status,
    ).toBe(200);
    await waitUntil('every copy to carry the new name', async () => {
      const [orderDoc, task, accountDoc, contact] = await Promise.all([
        stack.db.collection('_store.orders').findOne({ _id: order }),
        stack.db.collection('projects.tasks').findOne({ order_id: order }),
        stack.db.collection('_accounts').findOne({ _id: account }),
        stack.db.collection('crm.contacts').findOne({ account }),
      ]);
      return (
        orderDoc?.metadata?.dashclicks_team?.manager?.name === 'Margarita Moss' &&
        orderDoc?.metadata?.dashclicks_team?.specialist?.name === 'Margarita Moss' &&
        orderDoc?.metadata?.responsible?.[0]?.name === 'Margarita Moss' &&
        task?.order_metadata?.responsible?.[0]?.name === 'Margarita Moss' &&
        accountDoc?.owner?.name === 'Margarita Moss' &&
        contact?.email === 'rita@example.com'
      );
    });
  });

  it('out-of-order delivery: the older event arrives last and changes nothing', async () => {
    const clerk = { id: 'user_e2e_otto', email: 'otto@example.com', first_name: 'Otto', updated_at: 1000 };
    await created(clerk);
    await send(userEvent('user.updated', { ...clerk, first_name: 'Newest', updated_at: 3000 }));
    await waitUntil('the newest name', async () => (await stack.userByClerkId(clerk.id))?.name === 'Newest');
    const staleBefore =
      (await stack.all.metric('user_sync_identity_events_applied_total', { outcome: 'stale' })) ?? 0;
    await send(userEvent('user.updated', { ...clerk, first_name: 'Older', updated_at: 2000 }));
    await waitUntil(
      'the older event to be counted stale',
      async () =>
        ((await stack.all.metric('user_sync_identity_events_applied_total', { outcome: 'stale' })) ?? 0) >
        staleBefore,
    );
    expect(await stack.userByClerkId(clerk.id)).toMatchObject({ name: 'Newest', clerk_updated_at: 3000 });
  });

  it('an email conflict lands in dead-letter naming the other user, and applies once replayed after that user changed', async () => {
    const holder = await users().insertOne({ name: 'Platform Pat', email: 'PAT@example.com' });
    const clerk = { id: 'user_e2e_pat', email: 'pat@example.com', first_name: 'Pat', updated_at: 1000 };
    expect((await send(userEvent('user.created', clerk))).status).toBe(200);
    const deadLetter = await waitUntil('the dead-letter entry', async () => {
      const entries = await (await deadLetterQueue()).getJobs(['waiting']);
      return entries.find(job => job.data?.queue === 'identity-sync');
    });
    expect(deadLetter.data.failedReason).toBe(`email conflict with user ${holder.insertedId.toHexString()}`);
    expect(await stack.userByClerkId(clerk.id)).toBeUndefined();
    expect(await stack.all.metric('user_sync_identity_events_applied_total', { outcome: 'conflict' })).toBe(
      1,
    );

    await users().updateOne({ _id: holder.insertedId }, { $set: { email: 'pat.old@example.com' } });
    const replay = spawnCli(['replay', '--queue', 'identity-sync'], stack.env);
    expect(await replay.exited).toEqual({ code: 0, signal: null });
    const pat = await waitUntil('the replayed event to create the user', () => stack.userByClerkId(clerk.id));
    expect(pat).toMatchObject({ email: 'pat@example.com', name: 'Pat' });
  });

  it('user.deleted removes the user from every responsible list, the orders and their tasks', async () => {
    const clerk = { id: 'user_e2e_dora', email: 'dora@example.com', first_name: 'Dora', updated_at: 1000 };
    const dora = await created(clerk);
    const colleague = await users().insertOne({ name: 'Colleague', email: 'colleague@example.com' });
    const order = new ObjectId();
    await stack.db.collection('_store.orders').insertOne({
      _id: order,
      assigned_user_ids: [dora._id, colleague.insertedId],
      metadata: {},
    });
    await stack.db
      .collection('projects.tasks')
      .insertOne({ order_id: order, order_metadata: { responsible: [] } });
    const responsibleIds = async () => {
      const [orderDoc, task] = await Promise.all([
        stack.db.collection('_store.orders').findOne({ _id: order }),
        stack.db.collection('projects.tasks').findOne({ order_id: order }),
      ]);
      const ids = (list: { id: ObjectId }[] | undefined) =>
        (list ?? []).map(member => member.id.toHexString()).join(',');
      return [ids(orderDoc?.metadata?.responsible), ids(task?.order_metadata?.responsible)];
    };
    const both = `${dora._id.toHexString()},${colleague.insertedId.toHexString()}`;
    await waitUntil('both on the lists', async () => (await responsibleIds()).every(ids => ids === both));

    expect((await send(deletedEvent(clerk.id))).status).toBe(200);
    await waitUntil('Dora gone from the order and its task', async () =>
      (await responsibleIds()).every(ids => ids === colleague.insertedId.toHexString()),
    );
    expect(await stack.userByClerkId(clerk.id)).toBeUndefined();
    // A late update of the deleted user does not bring it back.
    await send(userEvent('user.updated', { ...clerk, first_name: 'Ghost', updated_at: 1500 }));
    await waitUntil(
      'the late update to be counted stale',
      async () =>
        ((await stack.all.metric('user_sync_identity_events_applied_total', { outcome: 'stale' })) ?? 0) >= 2,
    );
    expect(await stack.userByClerkId(clerk.id)).toBeUndefined();
  });

  async function deadLetterQueue() {
    const { Queue } = await import('bullmq');
    const queue = new Queue('dead-letter', {
      connection: { url: stack.redis.url },
      prefix: stack.env.QUEUE_PREFIX,
    });
    opened.push(queue);
    return queue;
  }
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(opened.map(queue => queue.close()));
  });
});
