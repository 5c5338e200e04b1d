import type { ObjectId } from 'mongodb';
import { useAllStack } from '../../support/all-stack';
import { runCliInProcess } from '../../support/run-cli-in-process';
import { aUser, anOrder, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6 on the other side of the join: an order whose reference fields have the wrong type is bad input.
 * One line names the order and the field, that order goes to dead-letter, verify reports it, and the
 * orders written beside it are synced as usual.
 */
describe('orders with reference fields of the wrong type', () => {
  const stack = useAllStack({ env: { SYNC_REFERENCES: 'true' } });

  async function deadLetterFor(queue: string, orderId: ObjectId) {
    const { Queue } = await import('bullmq');
    const deadLetter = new Queue('dead-letter', {
      connection: { url: stack.redis.url },
      prefix: stack.env.QUEUE_PREFIX,
    });
    try {
      return await waitUntil(`the ${queue} dead-letter entry of ${String(orderId)}`, async () => {
        const jobs = await deadLetter.getJobs(['waiting']);
        return jobs.find(job => job.data.queue === queue && job.data.data?.orderIds?.[0] === String(orderId));
      });
    } finally {
      await deadLetter.close();
    }
  }

  it('a string manager, or assigned_user_ids that is no array: named, dead-lettered, reported by verify; the good order syncs', async () => {
    const ann = aUser({ name: 'Ann Good' });
    await stack.db.collection('_users').insertOne(ann);
    const badManager = anOrder({ manager: 'ann@example.com' });
    const badAssigned = anOrder({ assigned_user_ids: 'everyone' });
    const good = anOrder({ manager: ann._id, assigned_user_ids: [ann._id] });
    await stack.db.collection('_store.orders').insertMany([badManager, badAssigned, good]);

    const managerEntry = await deadLetterFor('manager-sync', badManager._id);
    expect(managerEntry.data.failedReason).toBe(
      `order ${String(badManager._id)} is invalid: manager must be an ObjectId (got string)`,
    );
    const rebuildEntry = await deadLetterFor('responsible-rebuild', badAssigned._id);
    expect(rebuildEntry.data.failedReason).toBe(
      `order ${String(badAssigned._id)} is invalid: assigned_user_ids must be an array (got string)`,
    );
    await waitUntil('the good order synced', async () => {
      const order = await stack.db.collection('_store.orders').findOne({ _id: good._id });
      return (
        JSON.stringify(order?.metadata?.responsible) === JSON.stringify([metaOf(ann)]) &&
        JSON.stringify(order?.metadata?.dashclicks_team?.manager) === JSON.stringify(metaOf(ann))
      );
    });
    expect(
      stack.all.logLines(new RegExp(`order ${String(badManager._id)} is invalid: manager`)),
    ).toBeGreaterThan(0);
    // The log names the field, never the value (an email, here).
    expect(stack.all.process.stdout()).not.toContain('ann@example.com');

    const verify = await runCliInProcess(['verify', '--json', '--grace', '0'], {
      ...stack.env,
      LOG_LEVEL: 'silent',
    });
    expect(verify.code).toBe(1);
    const report = JSON.parse(verify.stdout) as {
      drift: Record<string, { count: number; samples: string[] }>;
    };
    expect(report.drift['invalid-order']).toEqual({
      count: 2,
      samples: expect.arrayContaining([String(badManager._id), String(badAssigned._id)]),
    });
  });
});
