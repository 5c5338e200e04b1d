import type { Redis } from 'ioredis';
import type { MongoClient } from 'mongodb';
import { startAll, type AllProcess } from '../../support/all-process';
import { assertNothingLeaked } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: pointed at a replica (a failover that DNS has not caught up with), every write answers
 * READONLY. /readyz names READONLY instead of "standing by", the log stays under 10 lines a second, and
 * once the node is a primary again the service is ready and syncs.
 */
describe('a Redis that refuses writes (READONLY)', () => {
  let mongo: TestMongo;
  let primary: TestRedis;
  let replica: TestRedis;
  let client: MongoClient;
  let admin: Redis;
  let all: AllProcess | undefined;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    primary = await acquireTestRedis({ faultInjection: true });
    replica = await acquireTestRedis({ faultInjection: true });
    client = await mongo.connect();
    admin = replica.connect();
  });
  afterAll(async () => {
    await admin.replicaof('NO', 'ONE').catch(() => undefined);
    await admin.quit();
    await client.close();
    await all?.stop();
    await replica.release();
    await primary.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('names READONLY on /readyz and /metrics, logs quietly, and converges once writes are taken', async () => {
    const { port } = new URL(primary.url);
    await admin.replicaof('127.0.0.1', port);
    const database = mongo.databaseName();
    const copies = await seedCopiedUsers(client.db(database), 50);
    all = await startAll({
      MONGO_URL: mongo.urlFor(database),
      REDIS_URL: replica.url,
      QUEUE_PREFIX: replica.queuePrefix(),
    });
    await waitUntil('/readyz to name READONLY', async () => {
      const { status, body } = await all!.readyz();
      return (
        status === 503 &&
        /^READONLY/.test(body.checks.redis ?? '') &&
        /^the listener cannot run: Redis error: READONLY/.test(body.checks['change-stream'] ?? '')
      );
    });
    expect(await all.metric('user_sync_redis_error_active', { error: 'READONLY' })).toBe(1);
    const before = all.logLines(/./);
    await new Promise(resolve => setTimeout(resolve, 5000));
    expect((all.logLines(/./) - before) / 5).toBeLessThanOrEqual(10);

    expect(all.logLines(/Redis connection lost/)).toBeLessThanOrEqual(1);

    // Never having led, the listener has no checkpoint: it starts from the moment its stream opens.
    await admin.replicaof('NO', 'ONE');
    await all.waitUntilReady(60_000);
    await copies.rename('Writable again');
    await copies.converged(30_000);
  }, 120_000);
});
