import type { Document } from 'mongodb';
import { armFaultPoint, disarmFaultPoints, FaultPointNames } from '../../../src/testing/fault-points';
import { failPointOff } from '../../support/fail-command';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: a transient MongoDB error never sends a job to dead-letter. With JOB_ATTEMPTS=1 a failure that
 * spent the job's one attempt would end it there, so a job that meets each of these and still completes,
 * having run more than once, spent none. The server fails reads here: mongod labels no read retryable
 * (RetryableWriteError is for writes), so only the code says the error will pass. The driver retries a
 * read once by itself, so each fail point outlasts that retry.
 */
describe('transient MongoDB errors the fault tests do not otherwise meet', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: '1' });
    await h.startWorkers();
  });
  afterEach(async () => {
    disarmFaultPoints();
    await failPointOff(h.client);
  });
  afterAll(() => h.close());

  /** Waits for the job's end; it must complete, after more than one run, and have no dead-letter entry. */
  async function expectCompletedWithoutAttempt(queue: 'manager-sync' | 'task-cascade', jobId: string) {
    const job = await waitUntil(`job ${jobId} to end`, async () => {
      const current = await h.queues.get(queue).getJob(jobId);
      const state = await current?.getState();
      return state === 'completed' || state === 'failed' ? current : undefined;
    });
    expect({ state: await job.getState(), failedReason: job.failedReason }).toEqual({
      state: 'completed',
      failedReason: undefined,
    });
    expect(job.attemptsStarted).toBeGreaterThan(1);
    const parked = await h.queues.get('dead-letter').getJobs(['waiting', 'prioritized']);
    expect(parked.filter(entry => entry.data.jobId === jobId)).toEqual([]);
  }

  /**
   * Three failures: a run's read and the driver's retry of it, then the next run's read. No appName: the
   * harness's workers share the test's client, whose own reads wait until the job has ended.
   */
  async function failReads(command: 'find' | 'distinct', errorCode: number) {
    await h.client.db('admin').command({
      configureFailPoint: 'failCommand',
      mode: { times: 3 },
      data: { failCommands: [command], errorCode },
    });
  }

  /** A user renamed since their order's copy was written. */
  async function renamedManager(name: string) {
    const user = aUser();
    const order = anOrder({ manager: user._id, metadata: { dashclicks_team: { manager: metaOf(user) } } });
    await insertAll(h.collections, { users: [user], orders: [order] });
    await h.collections.users.updateOne({ _id: user._id }, { $set: { name } });
    return { user, order };
  }

  async function managerName(order: Document) {
    return (await h.collections.orders.findOne({ _id: order._id }))?.metadata?.dashclicks_team?.manager?.name;
  }

  it.each([
    [11602, 'InterruptedDueToReplStateChange'],
    [13435, 'NotPrimaryNoSecondaryOk'],
    [13436, 'NotPrimaryOrSecondary'],
  ])('%i %s on a find', async (errorCode, codeName) => {
    const { user, order } = await renamedManager(codeName);
    await failReads('find', errorCode);
    await h.enqueue('manager-sync', { userIds: [user._id.toHexString()] }, `find-${errorCode}`);
    await expectCompletedWithoutAttempt('manager-sync', `find-${errorCode}`);
    expect(await managerName(order)).toBe(codeName);
  });

  it('11602 on a distinct', async () => {
    const user = aUser();
    const order = anOrder({ assigned_user_ids: [user._id], metadata: { responsible: [metaOf(user)] } });
    const task = aTask(order);
    await insertAll(h.collections, { users: [user], orders: [order], tasks: [task] });
    await failReads('distinct', 11602);
    await h.enqueue('task-cascade', { orderIds: [order._id.toHexString()] }, 'distinct-11602');
    await expectCompletedWithoutAttempt('task-cascade', 'distinct-11602');
    expect((await h.collections.tasks.findOne({ _id: task._id }))?.order_metadata?.responsible).toEqual([
      metaOf(user),
    ]);
  });

  it('MongoPoolClearedError', async () => {
    const { user, order } = await renamedManager('Pool Cleared');
    // What the driver throws at operations queued on a pool it cleared; it exports no constructor for it.
    armFaultPoint(FaultPointNames.settleBeforeWrite, () => {
      throw Object.assign(new Error('Connection pool for 127.0.0.1:27017 was cleared'), {
        name: 'MongoPoolClearedError',
        errorLabels: ['PoolRequestedRetry'],
      });
    });
    await h.enqueue('manager-sync', { userIds: [user._id.toHexString()] }, 'pool-cleared');
    await expectCompletedWithoutAttempt('manager-sync', 'pool-cleared');
    expect(await managerName(order)).toBe('Pool Cleared');
  });
});
