import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf, usersOfJob } from '../../support/sync-fixtures';
import { spawnCli, type CliProcess } from '../../support/cli-process';
import { waitUntil } from '../../support/wait-until';
import type { SyncCollections } from '../../../src/sync/sync-job-context';

/** A user and an order and task whose copies of it are right. */
async function synced(collections: SyncCollections) {
  const user = aUser();
  const order = anOrder({
    manager: user._id,
    assigned_user_ids: [user._id],
    metadata: { dashclicks_team: { manager: metaOf(user) }, responsible: [metaOf(user)] },
  });
  const task = aTask(order, { order_metadata: { responsible: [metaOf(user)] } });
  await insertAll(collections, { users: [user], orders: [order], tasks: [task] });
  return { user, order, task };
}

type Fixture = Awaited<ReturnType<typeof synced>>;

/**
 * `verify` on a live system (SPEC §3): a copy whose user has a sync job waiting is in flight, reported
 * apart, and verify exits 0; a copy corrupted with no job to fix it is drift, and verify exits 1.
 * The listener runs without workers, so the job it enqueues waits for as long as the test needs.
 */
describe('user-sync verify on a live system', () => {
  let h: SyncHarness;
  let env: Record<string, string>;
  let listener: CliProcess;
  let changing: Fixture;
  let untouched: Fixture;
  beforeAll(async () => {
    h = await startSyncHarness();
    env = h.processEnv({ LOG_LEVEL: 'info' });
    // Written before the listener starts (from now, with no checkpoint): no job exists for these.
    changing = await synced(h.collections);
    untouched = await synced(h.collections);
    listener = spawnCli(['listener'], { ...env, PORT: '0' });
    await listener.waitFor(/change stream open/);
  });
  afterAll(async () => {
    await listener.stop();
    await h.close();
  });

  const verify = async () => {
    const run = spawnCli(['verify', '--json', '--grace', '1'], { ...env, LOG_LEVEL: 'warn' });
    const exit = await run.exited;
    return {
      code: exit.code,
      report: JSON.parse(run.stdout()) as Record<string, unknown>,
      stderr: run.stderr(),
    };
  };

  it('drift whose user has a job waiting is in flight (exit 0); a copy corrupted with no job is drift (exit 1)', async () => {
    expect((await verify()).code).toBe(0);

    await h.collections.users.updateOne({ _id: changing.user._id }, { $set: { name: 'Renamed Meanwhile' } });
    const hex = changing.user._id.toHexString();
    await waitUntil('the listener to enqueue the rename', async () =>
      (await h.queues.get('manager-sync').getJobs(['waiting', 'prioritized'])).some(job =>
        usersOfJob(job.data).includes(hex),
      ),
    );

    const live = await verify();
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    expect(live.report).toMatchObject({
      clean: true,
      total: 0,
      inFlight: {
        queued: 2,
        drift: {
          'order-manager': { count: 1, samples: [String(changing.order._id)] },
          'order-responsible': { count: 1, samples: [String(changing.order._id)] },
        },
      },
    });

    await h.collections.orders.updateOne(
      { _id: untouched.order._id },
      { $set: { 'metadata.dashclicks_team.manager.email': 'corrupted@example.com' } },
    );
    const drifted = await verify();
    expect(drifted.code).toBe(1);
    expect(drifted.report).toMatchObject({
      clean: false,
      total: 1,
      drift: { 'order-manager': { count: 1, samples: [String(untouched.order._id)] } },
      inFlight: { total: 2 },
    });

    // The human form lists what is in flight apart from the drift.
    const run = spawnCli(['verify', '--grace', '0.5'], { ...env, LOG_LEVEL: 'warn' });
    expect((await run.exited).code).toBe(1);
    expect(run.stdout()).toMatch(
      /^in flight: 2 \(sync work waiting or running for 2, settled within 0\.5 s for 0\); not drift$/m,
    );
    // Each group under its own heading: the drifted kind right under "drift found", not under "in flight".
    expect(run.stdout()).toMatch(/^drift found: 1 \(.*\)\n {2}order-manager: 1 \(e\.g\. [0-9a-f]{24}\)$/m);
    expect(run.stdout()).toMatch(
      /^checked \d+ users, \d+ accounts with an owner, \d+ business contacts of those, /m,
    );
  });
});
