import type { MongoClient } from 'mongodb';
import { startAll, type AllProcess } from '../../support/all-process';
import { reportFigure } from '../../support/fault-figures';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked } from '../../support/leak-guard';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: Redis restarts under a running `all`. One line when it goes away and one when it is back,
 * although the process holds several connections to it (BullMQ duplicates one per worker); /readyz names
 * redis meanwhile; changes made while it was away converge once it is back.
 */
describe('Redis lost while running', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let client: MongoClient;
  let all: AllProcess;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis({ faultInjection: true });
    client = await mongo.connect();
  });
  afterAll(async () => {
    await client.close();
    await all.stop();
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('one "lost" line, one "back" line, /readyz names redis, changes made meanwhile converge', async () => {
    const database = mongo.databaseName();
    all = await startAll({
      MONGO_URL: mongo.urlFor(database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      LOG_LEVEL: 'debug',
    });
    await all.waitUntilReady();
    const copies = await seedCopiedUsers(client.db(database), 3);
    await copies.rename('Before');
    await copies.converged(30_000);

    await redis.stop();
    await waitUntil('/readyz to name redis and the refused connection', async () => {
      const { status, body } = await all.readyz();
      return status === 503 && /ECONNREFUSED/.test(body.checks.redis ?? '');
    });
    await copies.rename('Meanwhile');
    await waitUntil('three failed attempts', () => all.logLines(/Redis still unreachable/) >= 3, {
      timeoutMs: 30_000,
    });
    await redis.start();
    const back = Date.now();
    await copies.converged();
    const convergedMs = Date.now() - back;
    await all.waitUntilReady();

    expect(all.logLines(/Redis connection lost/)).toBe(1);
    expect(all.logLines(/Redis connection back/)).toBe(1);
    reportFigure('Redis restarted under all', { convergedAfterBackMs: convergedMs });
  });
});
