import type { Job } from 'bullmq';
import { ObjectId } from 'mongodb';
import type { DeadLetterEntry } from '../../../src/dead-letter/dead-letter-entry';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';

/**
 * SPEC §2b, §5, §6 for the batches the listener's reference changes produce (`{orderIds}`, `{accountIds}`):
 * the one subject an invalid user blocks dead-letters alone, as the one-subject job it would have been,
 * and every other subject of the batch is written, those after it included (the userIds batches are
 * covered by test/integration/sync/batch-isolation.test.ts).
 */
describe('an order or account batch with one subject blocked by an invalid user', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: '3' });
    await h.startWorkers();
  });
  afterAll(() => h.close());

  async function deadLetters(): Promise<DeadLetterEntry[]> {
    const jobs = (await h.queues
      .get('dead-letter')
      .getJobs(['waiting', 'prioritized'])) as Job<DeadLetterEntry>[];
    return jobs.map(job => job.data);
  }

  it('{orderIds}: manager-sync, specialist-sync and responsible-rebuild write every other order', async () => {
    const good = [aUser(), aUser(), aUser(), aUser()];
    const bad = aUser({ name: 42 });
    // The blocked order sits second, so two orders of the batch come after it.
    const members = [good[0], bad, good[2], good[3]];
    const orders = members.map(member =>
      anOrder({
        manager: member._id,
        specialist: member._id,
        assigned_user_ids: [good[1]._id, member._id],
      }),
    );
    const tasks = orders.map(order => aTask(order));
    await insertAll(h.collections, { users: [...good, bad], orders, tasks });
    const orderIds = orders.map(order => order._id.toHexString());
    const queues = ['manager-sync', 'specialist-sync', 'responsible-rebuild'] as const;
    for (const queue of queues) await h.enqueue(queue, { orderIds }, `orders-${queue}`);
    await h.drain();

    for (const [n, order] of orders.entries()) {
      const stored = await h.collections.orders.findOne({ _id: order._id });
      if (members[n] === bad) {
        expect(stored).toEqual(order);
        continue;
      }
      const responsible = [metaOf(good[1]), metaOf(members[n])];
      expect(stored?.metadata).toEqual({
        dashclicks_team: { manager: metaOf(members[n]), specialist: metaOf(members[n]) },
        responsible,
      });
      const task = await h.collections.tasks.findOne({ order_id: order._id });
      expect(task?.order_metadata?.responsible).toEqual(responsible);
    }

    for (const queue of queues) {
      expect(await (await h.queues.get(queue).getJob(`orders-${queue}`))?.getState()).toBe('completed');
    }
    const entries = await deadLetters();
    const blocked = orders[1]._id.toHexString();
    expect(entries.map(entry => entry.queue).sort()).toEqual([...queues].sort());
    for (const entry of entries) {
      expect(entry).toMatchObject({
        jobId: `orders-${entry.queue}-${blocked}`,
        data: { orderIds: [blocked] },
      });
      expect(entry.failedReason).toMatch(/name/);
    }
  });

  it('{accountIds}: owner-sync writes every other account and its business contacts', async () => {
    const owners = [0, 1, 2, 3].map(() => aUser({ is_owner: true }));
    owners[1] = { ...owners[1], name: 42 };
    const accounts = owners.map(owner => ({ _id: owner.account }));
    const contacts = owners.map(owner => ({
      _id: new ObjectId(),
      account: owner.account,
      type: 'business',
      email: 'stale@example.com',
    }));
    await insertAll(h.collections, { users: owners, accounts, contacts });
    await h.enqueue(
      'owner-sync',
      { accountIds: accounts.map(account => account._id.toHexString()) },
      'accounts-batch',
    );
    await h.drain();

    for (const [n, owner] of owners.entries()) {
      const account = await h.collections.accounts.findOne({ _id: owner.account });
      const contact = await h.collections.contacts.findOne({ account: owner.account });
      if (n === 1) {
        expect(account).toEqual(accounts[n]);
        expect(contact).toEqual(contacts[n]);
        continue;
      }
      const { _id: id, name, email, phone, image: avatar } = owner;
      expect(account?.owner).toEqual({ id, name, email, phone, avatar });
      expect(contact?.email).toBe(email);
    }

    expect(await (await h.queues.get('owner-sync').getJob('accounts-batch'))?.getState()).toBe('completed');
    const entries = (await deadLetters()).filter(entry => entry.queue === 'owner-sync');
    const blocked = owners[1]._id.toHexString();
    // The account's subject is its owner: the entry is the owner's own job, replayable by itself.
    expect(entries).toEqual([
      expect.objectContaining({
        jobId: `accounts-batch-${blocked}`,
        data: expect.objectContaining({ userId: blocked }),
      }),
    ]);
    expect(entries[0].failedReason).toMatch(/name/);
  });
});
