import { MongoClient, type ObjectId } from 'mongodb';
import { startMongoEmulator } from '@user-sync/mongo-emulator';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked, trackMongoClient } from '../../support/leak-guard';
import { spawnCli } from '../../support/cli-process';
import { aUser, anOrder } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * The outage the listener exists to survive, as an operator meets it: `user-sync all` stopped, the history
 * rolling past its checkpoint meanwhile, then started again. The stream comes from the process's own
 * (mongoose) connection, so this takes the path production takes. The emulator's bounded history stands in
 * for an oplog rollover, which a test cannot arrange on a real replica set.
 */
describe('user-sync all after its checkpoint rolled out of the change-stream history', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await acquireTestRedis();
  });
  afterAll(async () => {
    await redis.release();
    await assertNothingLeaked();
  });

  it('resumes from now with a full resync: every change made while it was down converges, in a handful of log lines', async () => {
    const emulator = await startMongoEmulator({ port: 0, oplogEvents: 50 });
    const client = trackMongoClient(await MongoClient.connect(emulator.uri), 'history-lost process');
    const db = client.db('platform');
    const env = {
      MONGO_URL: emulator.uri.replace('/?', '/platform?'),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      PORT: '0',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'pw',
      LOG_LEVEL: 'info',
      LISTENER_CHECKPOINT_EVERY_MS: '50',
    };
    const managerName = async (orderId: ObjectId) =>
      (await db.collection('_store.orders').findOne({ _id: orderId }))?.metadata?.dashclicks_team?.manager
        ?.name as string | undefined;
    try {
      const users = Array.from({ length: 199 }, () => aUser());
      const orders = users.map(user => anOrder({ manager: user._id }));
      await db.collection('_users').insertMany(users);
      await db.collection('_store.orders').insertMany(orders);

      const first = spawnCli(['all'], env);
      await first.waitFor(/change stream open/);
      await db.collection('_users').updateOne({ _id: users[0]._id }, { $set: { name: 'Seen Live' } });
      await waitUntil(
        'the live change to converge',
        async () => (await managerName(orders[0]._id)) === 'Seen Live',
      );
      const checkpoint = redis.connect();
      await waitUntil(
        'a checkpoint past the live change',
        async () => (await checkpoint.exists(`${env.QUEUE_PREFIX}:listener:checkpoint`)) === 1,
      );
      await checkpoint.quit();
      expect(await first.stop()).toEqual({ code: 0, signal: null });

      // 199 changes while nothing listens: the history keeps 50, so the checkpoint is gone from it.
      for (const [n, user] of users.entries())
        await db.collection('_users').updateOne({ _id: user._id }, { $set: { name: `Offline ${n}` } });

      const second = spawnCli(['all'], env);
      try {
        await waitUntil(
          'every offline change to converge',
          async () => {
            const copies = await db
              .collection('_store.orders')
              .find({}, { projection: { 'metadata.dashclicks_team.manager.name': 1 } })
              .toArray();
            const byId = new Map(
              copies.map(o => [String(o._id), o.metadata?.dashclicks_team?.manager?.name]),
            );
            return orders.every((order, n) => byId.get(String(order._id)) === `Offline ${n}`);
          },
          { timeoutMs: 45_000 },
        );
        const log = second.stdout();
        expect(log).toMatch(/change stream history lost: starting from now and enqueuing a full resync/);
        expect(log).toMatch(/full resync enqueued after lost history/);
        expect(log.match(/change stream closed/g) ?? []).toHaveLength(0);
        expect(log.split('\n').length).toBeLessThan(40);
      } finally {
        expect(await second.stop()).toEqual({ code: 0, signal: null });
      }
    } finally {
      await client.close();
      await emulator.stop();
    }
  }, 120_000);
});
