import type { Document } from 'mongodb';
import { armFaultPoint, disarmFaultPoints, FaultPointNames } from '../../../src/testing/fault-points';
import type { SyncWorkerPool } from '../../../src/worker/sync-worker-pool';
import { runCliInProcess } from '../../support/run-cli-in-process';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §3: `verify` reports a copy whose subject has sync work still running, or waiting out a transient
 * failure, as in flight, not drift (exit 0). The queue-level cases (waiting jobs) are covered in
 * test/integration/cli/verify-in-flight.test.ts; these are the two states a job is in when it has
 * already started: active, held between its read and its write, and delayed after a transient error.
 */
describe('verify while the job that fixes the drift is active or delayed', () => {
  let h: SyncHarness;
  let pool: SyncWorkerPool | undefined;
  // A held job must be let go even when the test fails, or closing its worker would wait for it forever.
  let release = () => {};
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterEach(async () => {
    release();
    disarmFaultPoints();
    await pool?.close();
    pool = undefined;
  });
  afterAll(() => h.close());

  const verify = async () => {
    const run = await runCliInProcess(
      ['verify', '--json', '--grace', '0'],
      h.processEnv({ LOG_LEVEL: 'warn' }),
    );
    return { code: run.code, report: JSON.parse(run.stdout) as Document };
  };

  /** A user renamed since their order's copy was written, and the manager-sync job for the rename. */
  async function renamedWithJob(jobId: string) {
    const user = aUser();
    const order = anOrder({ manager: user._id, metadata: { dashclicks_team: { manager: metaOf(user) } } });
    await insertAll(h.collections, { users: [user], orders: [order] });
    await h.collections.users.updateOne({ _id: user._id }, { $set: { name: `${jobId} renamed` } });
    await h.enqueue('manager-sync', { userIds: [user._id.toHexString()] }, jobId);
    return { user, order, state: async () => (await h.queues.get('manager-sync').getJob(jobId))?.getState() };
  }

  function expectInFlight(run: { code: number; report: Document }, order: Document) {
    expect(run.report).toMatchObject({
      clean: true,
      total: 0,
      inFlight: { queued: 1, drift: { 'order-manager': { count: 1, samples: [String(order._id)] } } },
    });
    expect(run.code).toBe(0);
  }

  async function expectConverged(order: Document, name: string) {
    await h.drain();
    const copy = (await h.collections.orders.findOne({ _id: order._id }))?.metadata?.dashclicks_team?.manager;
    expect(copy?.name).toBe(name);
    const after = await verify();
    expect(after.report).toMatchObject({ clean: true, total: 0 });
    expect(after.report.inFlight?.total ?? 0).toBe(0);
  }

  it('a job held between its read and its write (active) is in flight', async () => {
    const held = new Promise<void>(resolve => (release = resolve));
    let reached = false;
    armFaultPoint(FaultPointNames.settleBeforeWrite, async () => {
      reached = true;
      await held;
    });
    const { order, state } = await renamedWithJob('active-job');
    pool = await h.startWorkers({ queueNames: ['manager-sync'] });
    await waitUntil('the job held before its write', () => reached);
    expect(await state()).toBe('active');

    expectInFlight(await verify(), order);

    release();
    await expectConverged(order, 'active-job renamed');
  });

  it('a job delayed after a transient MongoDB error is in flight', async () => {
    const { order, state } = await renamedWithJob('delayed-job');
    const workers = await h.startWorkers({ queueNames: ['manager-sync'] });
    pool = workers;
    // A step-down met on the write; no worker is left to run the job again, so it stays delayed.
    armFaultPoint(FaultPointNames.settleBeforeWrite, () => {
      void workers.close();
      throw Object.assign(new Error('interrupted due to repl state change'), { code: 11602 });
    });
    await waitUntil('the job delayed', async () => (await state()) === 'delayed');
    await workers.close();
    expect(await state()).toBe('delayed');

    expectInFlight(await verify(), order);

    pool = await h.startWorkers({ queueNames: ['manager-sync'] });
    await expectConverged(order, 'delayed-job renamed');
  });
});
