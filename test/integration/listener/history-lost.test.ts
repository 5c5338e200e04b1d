import { Redis } from 'ioredis';
import pino from 'pino';
import { connectMongo } from '../../../src/db/connect-mongo';
import { startMongoEmulator } from '@user-sync/mongo-emulator';
import { syncCollections } from '../../../src/db/sync-collections';
import { ChangeListener } from '../../../src/listener/change-listener';
import { createQueue } from '../../../src/queues/create-queue';
import { QueueRegistry } from '../../../src/queues/queue-registry';
import { loadConfig } from '../../../src/config/load-config';
import { enqueueResync } from '../../../src/resync/enqueue-resync';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked, trackRedis } from '../../support/leak-guard';
import { waitUntil } from '../../support/wait-until';
import { aUser, usersOfJob } from '../../support/sync-fixtures';

/**
 * The oplog rolling over while no listener runs, made real by the emulator's bounded history (a real
 * replica set would need an oplog small enough to roll, which tests cannot arrange portably).
 */
describe('listener after its resume point rolled out of the history', () => {
  let redisServer: TestRedis;
  beforeAll(async () => {
    redisServer = await acquireTestRedis();
  });
  afterAll(async () => {
    await redisServer.release();
    await assertNothingLeaked();
  });

  it('does not crash-loop: it starts from now, enqueues a full resync, and keeps processing', async () => {
    const emulator = await startMongoEmulator({ port: 0, oplogEvents: 20 });
    const config = loadConfig({
      MONGO_URL: `${emulator.uri.replace('/?', '/history?')}`,
      REDIS_URL: redisServer.url,
      QUEUE_PREFIX: redisServer.queuePrefix(),
    });
    // The service's own connection (mongoose and whichever driver it resolves), as the listener role uses:
    // a stream from another driver copy once hid that its errors were misclassified.
    const mongo = await connectMongo(config, pino({ level: 'silent' }));
    const collections = syncCollections(mongo.db, config.collections);
    const redis = trackRedis(new Redis(config.redisUrl, { maxRetriesPerRequest: null }), 'history-lost');
    const queues = new QueueRegistry(name => createQueue(name, { config, connection: redis }));
    // Stopped in `finally`, also when an assertion fails: a listener left running keeps jest alive.
    const started: ChangeListener[] = [];
    const start = () => {
      const listener = new ChangeListener({
        database: mongo.db,
        scope: { collections: config.collections, syncReferences: config.syncReferences },
        queues,
        redis,
        queuePrefix: config.queuePrefix,
        logger: pino({ level: 'silent' }),
        resyncAll: async () =>
          void (await enqueueResync({ all: true }, { collections, queues, source: 'history lost' })),
        checkpointEveryMs: 10,
        maxAwaitTimeMS: 50,
      });
      listener.start();
      started.push(listener);
      return listener;
    };
    try {
      const users = Array.from({ length: 5 }, () => aUser());
      await collections.users.insertMany(users);
      const first = start();
      await waitUntil('first stream open', () => first.stats.streamOpen);
      await collections.users.updateOne({ _id: users[0]._id }, { $set: { name: 'seen' } });
      await waitUntil('first change enqueued', () => first.stats.eventsSeen === 1);
      await new Promise(resolve => setTimeout(resolve, 100));
      await first.stop();

      // 50 changes while no listener runs: the history keeps 20, so the checkpoint is gone from it.
      for (let n = 0; n < 50; n += 1)
        await collections.users.updateOne({ _id: users[n % 5]._id }, { $set: { name: `offline ${n}` } });
      for (const queue of ['owner-sync', 'manager-sync', 'specialist-sync', 'responsible-rebuild'] as const)
        await queues.get(queue).obliterate({ force: true });

      const second = start();
      await waitUntil(
        'recovery from lost history',
        () => second.stats.historyLostRecoveries === 1 && second.stats.streamOpen,
      );
      const resync = await waitUntil('resync jobs', async () => {
        // owner-sync takes every user in a full resync; the order side takes the orders (SPEC §2b).
        const jobs = await queues.get('owner-sync').getJobs(['waiting', 'prioritized']);
        return jobs.flatMap(job => usersOfJob(job.data)).length >= 5 ? jobs : undefined;
      });
      expect(new Set(resync.flatMap(job => usersOfJob(job.data)))).toEqual(
        new Set(users.map(user => user._id.toHexString())),
      );
      expect(resync[0].data.cause).toMatchObject({ operationType: 'resync' });

      // And it keeps listening from now on.
      await collections.users.deleteOne({ _id: users[4]._id });
      await waitUntil('a later change enqueued', async () =>
        (await queues.get('responsible-rebuild').getJobs(['waiting', 'prioritized'])).some(
          job => job.data.cause?.operationType === 'delete',
        ),
      );
      await second.stop();
    } finally {
      await Promise.all(started.map(listener => listener.stop()));
      await queues.close();
      await redis.quit();
      await mongo.close();
      await emulator.stop();
    }
  });
});
