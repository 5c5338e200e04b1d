import { Redis } from 'ioredis';
import pino from 'pino';
import { ChangeListener } from '../../../src/listener/change-listener';
import { FAULT_EXIT_CODE } from '../../../src/testing/fault-points';
import { spawnCli } from '../../support/cli-process';
import { trackRedis } from '../../support/leak-guard';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, usersOfJob } from '../../support/sync-fixtures';
import { sleep, waitUntil } from '../../support/wait-until';

/** The listener's two hardest promises, each forced rather than hoped for. */
describe('listener guarantees', () => {
  let h: SyncHarness;
  let redis: Redis;
  beforeAll(async () => {
    h = await startSyncHarness();
    redis = trackRedis(new Redis(h.config.redisUrl, { maxRetriesPerRequest: null }), 'guarantees');
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  const env = (extra: Record<string, string> = {}) =>
    h.processEnv({
      PORT: '0',
      LOG_LEVEL: 'info',
      LISTENER_CHECKPOINT_EVERY_MS: '50',
      LISTENER_CHECKPOINT_EVERY_EVENTS: '1',
      ...extra,
    });

  it('at-least-once: a listener that dies after reading a change and before enqueuing it has not checkpointed past it', async () => {
    const user = aUser();
    await insertAll(h.collections, { users: [user], orders: [anOrder({ manager: user._id })] });
    const checkpointKey = `${h.config.queuePrefix}:listener:checkpoint`;

    const dying = spawnCli(['listener'], env({ USER_SYNC_TEST_FAULT_POINTS: 'listener:before-enqueue' }));
    await dying.waitFor(/change stream open/);
    await waitUntil('an idle checkpoint', async () => (await redis.exists(checkpointKey)) === 1);
    await h.collections.users.updateOne({ _id: user._id }, { $set: { name: 'Must Not Be Lost' } });
    expect(await dying.exited).toEqual({ code: FAULT_EXIT_CODE, signal: null });

    const restarted = spawnCli(['listener'], env());
    try {
      const job = await waitUntil('the change enqueued after the restart', async () =>
        (await h.queues.get('manager-sync').getJobs(['waiting', 'prioritized'])).find(waiting =>
          usersOfJob(waiting.data).includes(user._id.toHexString()),
        ),
      );
      expect(job.data.cause).toMatchObject({ operationType: 'update' });
    } finally {
      expect(await restarted.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('one active listener: a leader whose lease was taken stops streaming within a renewal, before any checkpoint would fence it', async () => {
    const listener = new ChangeListener({
      database: h.db,
      scope: { collections: h.config.collections, syncReferences: h.config.syncReferences },
      queues: h.queues,
      redis,
      queuePrefix: h.config.queuePrefix,
      logger: pino({ level: 'silent' }),
      resyncAll: async () => {},
      leaseTtlMs: 1000,
      // So long that only the lease renewal can tell this listener it no longer leads.
      checkpointEveryMs: 3_600_000,
      checkpointEveryEvents: 1_000_000,
      maxAwaitTimeMS: 100,
    });
    listener.start();
    try {
      await waitUntil(
        'it leads with its stream open',
        () => listener.stats.leader && listener.stats.streamOpen,
      );
      // Another deployment's listener took the lease (this one paused past its TTL, say).
      await redis.set(`${h.config.queuePrefix}:listener:leader`, 'another-listener', 'PX', 60_000);
      await waitUntil('it stands down', () => !listener.stats.leader && !listener.stats.streamOpen, {
        timeoutMs: 3000,
      });
      await sleep(500);
      expect(listener.stats.leader).toBe(false);
    } finally {
      await listener.stop();
      await redis.del(`${h.config.queuePrefix}:listener:leader`);
    }
  });
});
