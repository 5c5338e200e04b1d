import type { Document, ObjectId } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { runCliInProcess } from '../../support/run-cli-in-process';

/**
 * `resync --all` as the backfill and the lost-history recovery use it: users get owner-sync, every order its
 * own team and responsible jobs, and every copy converges, including one only the order's side can fix.
 */
describe('user-sync resync --all', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  it("converges every copy through the users' and the orders' jobs", async () => {
    const ann = aUser();
    const bo = aUser();
    const managed = anOrder({
      manager: ann._id,
      assigned_user_ids: [ann._id],
      metadata: { dashclicks_team: { manager: { ...metaOf(ann), name: 'stale' } } },
    });
    const specialised = anOrder({ specialist: bo._id });
    // The specialist left the order but the copy stayed: only the order's own job removes it.
    const leftBehind = anOrder({ metadata: { dashclicks_team: { specialist: metaOf(bo) } } });
    const bare = anOrder();
    await insertAll(h.collections, { users: [ann, bo], orders: [managed, specialised, leftBehind, bare] });
    const env = h.processEnv({ LOG_LEVEL: 'silent' });

    const resync = await runCliInProcess(['resync', '--all'], env);
    // owner-sync for the users; manager-sync, specialist-sync and responsible-rebuild for the orders.
    expect(resync).toMatchObject({ code: 0, stdout: 'resync enqueued 4 jobs for 2 users, 4 orders\n' });
    for (const queue of ['manager-sync', 'specialist-sync', 'responsible-rebuild'] as const) {
      const jobs = await h.queues.get(queue).getJobs(['waiting', 'prioritized']);
      expect(jobs.flatMap(job => job.data.orderIds as string[])).toHaveLength(4);
    }

    const pool = await h.startWorkers();
    await h.drain();
    await pool.close();
    const saved = async (order: Document) => h.collections.orders.findOne({ _id: order._id as ObjectId });
    expect((await saved(managed))?.metadata.dashclicks_team.manager).toEqual(metaOf(ann));
    expect((await saved(specialised))?.metadata.dashclicks_team.specialist).toEqual(metaOf(bo));
    expect((await saved(leftBehind))?.metadata.dashclicks_team).toEqual({});
    expect(await runCliInProcess(['verify'], env)).toMatchObject({ code: 0 });
  });
});
