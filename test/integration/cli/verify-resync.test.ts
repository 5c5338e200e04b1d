import { ObjectId } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll, metaOf, usersOfJob } from '../../support/sync-fixtures';
import { runCliInProcess } from '../../support/run-cli-in-process';
import { spawnCli } from '../../support/cli-process';

/** `verify` and `resync` as an operator runs them: exit codes, output, and the jobs they leave. */
describe('user-sync verify and resync', () => {
  let h: SyncHarness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await startSyncHarness();
    env = h.processEnv({ LOG_LEVEL: 'silent' });
  });
  afterAll(() => h.close());

  it('verify exits 0 on a converged database, 1 with counts and samples on drift, and --fix repairs it', async () => {
    const ann = aUser();
    const order = anOrder({
      manager: ann._id,
      assigned_user_ids: [ann._id],
      metadata: { dashclicks_team: { manager: metaOf(ann) }, responsible: [metaOf(ann)] },
    });
    await insertAll(h.collections, {
      users: [ann],
      orders: [order],
      tasks: [aTask(order, { order_metadata: { responsible: [metaOf(ann)] } })],
    });

    const clean = await runCliInProcess(['verify'], env);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toContain('no drift');

    await h.collections.orders.updateOne(
      { _id: order._id },
      { $set: { 'metadata.dashclicks_team.manager.email': 'stale@example.com' } },
    );
    const drifted = await runCliInProcess(['verify', '--json'], env);
    expect(drifted.code).toBe(1);
    const report = JSON.parse(drifted.stdout);
    expect(report).toMatchObject({
      clean: false,
      total: 1,
      drift: { 'order-manager': { count: 1, samples: [String(order._id)] } },
    });

    const fixed = await runCliInProcess(['verify', '--fix'], env);
    expect(fixed.code).toBe(1);
    expect(fixed.stdout).toMatch(/order-manager: 1 \(e\.g\. [0-9a-f]{24}\)/);
    expect(fixed.stdout).toContain('repairs enqueued: manager-sync ×1');
    const pool = await h.startWorkers();
    await h.drain();
    await pool.close();
    expect(await runCliInProcess(['verify'], env)).toMatchObject({ code: 0 });
  });

  it('resync enqueues every user-driven job for the selected users and says how many', async () => {
    const account = new ObjectId();
    const users = [aUser({ account }), aUser({ account }), aUser()];
    await h.collections.users.insertMany(users);
    await Promise.all(
      ['owner-sync', 'manager-sync', 'specialist-sync', 'responsible-rebuild'].map(queue =>
        h.queues.get(queue as 'owner-sync').obliterate({ force: true }),
      ),
    );

    const byAccount = await runCliInProcess(['resync', '--account', account.toHexString()], env);
    expect(byAccount).toMatchObject({ code: 0, stdout: 'resync enqueued 4 jobs for 2 users\n' });
    const jobs = await h.queues.get('responsible-rebuild').getJobs(['waiting', 'prioritized']);
    expect(jobs.flatMap(job => usersOfJob(job.data)).sort()).toEqual(
      users
        .slice(0, 2)
        .map(user => user._id.toHexString())
        .sort(),
    );
    expect(jobs[0].data.cause).toMatchObject({ operationType: 'resync' });

    // An order (SPEC §2b): its own team and responsible jobs, without resyncing its users.
    const stale = anOrder({ metadata: { dashclicks_team: { manager: { name: 'left the order' } } } });
    await h.collections.orders.insertOne(stale);
    const byOrder = await runCliInProcess(['resync', '--order', String(stale._id)], env);
    expect(byOrder).toMatchObject({ code: 0, stdout: 'resync enqueued 3 jobs for 1 order\n' });
    const pool = await h.startWorkers();
    await h.drain();
    await pool.close();
    expect((await h.collections.orders.findOne({ _id: stale._id }))?.metadata).toEqual({
      dashclicks_team: {},
      responsible: [],
    });

    expect(await runCliInProcess(['resync'], env)).toMatchObject({ code: 2 });
    expect((await runCliInProcess(['resync', '--user', 'not-an-id'], env)).code).toBe(2);
    // A well-formed id that names nothing is a mistake a script must see.
    const nobody = await runCliInProcess(['resync', '--user', '0123456789abcdef01234567'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('user-sync resync: no user, account or order has the given id\n');
  });

  it('a reader that closes the pipe early ends verify quietly with 0 (`verify | head -0`)', async () => {
    const verify = spawnCli(['verify'], env);
    // The read end closes before verify has written anything: its first write then meets EPIPE.
    verify.child.stdout?.destroy();
    expect(await verify.exited).toEqual({ code: 0, signal: null });
    expect(verify.stderr()).toBe('');
  });
});
