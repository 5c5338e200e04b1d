import type { Job } from 'bullmq';
import type { DeadLetterEntry } from '../../../src/dead-letter/dead-letter-entry';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll } from '../../support/sync-fixtures';
import { sleep, waitUntil } from '../../support/wait-until';

/** The harness runs with JOB_ATTEMPTS=3 and a 50 ms backoff. */
const JOB_ATTEMPTS = 3;

describe('dead-letter', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: String(JOB_ATTEMPTS) });
    await h.startWorkers();
  });
  afterAll(() => h.close());

  async function deadLettersOf(queue: string, jobId: string): Promise<Job<DeadLetterEntry>[]> {
    const all = (await h.queues
      .get('dead-letter')
      .getJobs(['waiting', 'delayed', 'prioritized'])) as Job<DeadLetterEntry>[];
    return all.filter(job => job.data.queue === queue && job.data.jobId === jobId);
  }

  it('receives a job once, with its reason, after its last retry failed', async () => {
    const manager = aUser();
    // An order whose metadata is not a document: MongoDB refuses the write on every attempt.
    const order = anOrder({ manager: manager._id, metadata: 'not a document' });
    await insertAll(h.collections, { users: [manager], orders: [order] });
    await h.enqueue('manager-sync', { userId: manager._id.toHexString() }, 'broken-order-1');

    const [entry] = await waitUntil('the dead-letter entry', async () => {
      const entries = await deadLettersOf('manager-sync', 'broken-order-1');
      return entries.length > 0 ? entries : undefined;
    });
    const original = await h.queues.get('manager-sync').getJob('broken-order-1');
    expect(await original?.getState()).toBe('failed');
    expect(original?.attemptsMade).toBe(JOB_ATTEMPTS);

    expect(entry.id).toBe('manager-sync__broken-order-1');
    expect(entry.data).toMatchObject({
      queue: 'manager-sync',
      jobId: 'broken-order-1',
      name: 'manager-sync',
      data: { userId: manager._id.toHexString() },
      attemptsMade: JOB_ATTEMPTS,
    });
    expect(entry.data.failedReason).toMatch(/dashclicks_team/);
    expect(entry.data.stacktrace.join('\n')).toMatch(/dashclicks_team/);
    expect(Number.isNaN(Date.parse(entry.data.failedAt))).toBe(false);

    // Both the runner and the worker's 'failed' backstop report the failure; still one entry.
    await sleep(300);
    expect(await deadLettersOf('manager-sync', 'broken-order-1')).toHaveLength(1);
  });

  it('receives a job at once when it fails with an error no retry can fix', async () => {
    const broken = aUser({ name: 42 });
    await insertAll(h.collections, { users: [broken], orders: [anOrder({ manager: broken._id })] });
    await h.enqueue('manager-sync', { userId: broken._id.toHexString() }, 'bad-name-1');

    const [entry] = await waitUntil('the dead-letter entry', async () => {
      const entries = await deadLettersOf('manager-sync', 'bad-name-1');
      return entries.length > 0 ? entries : undefined;
    });
    expect(entry.data.attemptsMade).toBe(1);
    expect(entry.data.failedReason).toMatch(/\bname\b/);
    const original = await h.queues.get('manager-sync').getJob('bad-name-1');
    expect(await original?.getState()).toBe('failed');
    expect(original?.attemptsMade).toBe(1);
    await sleep(300);
    expect(await deadLettersOf('manager-sync', 'bad-name-1')).toHaveLength(1);
  });

  it('receives nothing for a job that failed but succeeded on a retry', async () => {
    const manager = aUser();
    const order = anOrder({ manager: manager._id, metadata: 'not a document' });
    await insertAll(h.collections, { users: [manager], orders: [order] });
    const queue = h.queues.get('manager-sync');
    // A second between attempts leaves time to fix the order after the first failed one.
    await queue.add(
      'manager-sync',
      { userId: manager._id.toHexString() },
      { jobId: 'heals-1', backoff: { type: 'fixed', delay: 1000 } },
    );
    await waitUntil(
      'the first failed attempt',
      async () => ((await queue.getJob('heals-1'))?.attemptsMade ?? 0) >= 1,
    );
    await h.collections.orders.updateOne({ _id: order._id }, { $set: { metadata: {} } });
    await waitUntil(
      'the job to complete',
      async () => (await (await queue.getJob('heals-1'))?.getState()) === 'completed',
    );
    expect(await deadLettersOf('manager-sync', 'heals-1')).toHaveLength(0);
  });
});
