import { Writable } from 'node:stream';
import type { RedisClient } from '../../../src/redis/create-redis-connection';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../src/config/load-config';
import { createLogger } from '../../../src/logging/create-logger';
import { createQueue } from '../../../src/queues/create-queue';
import { QueueNames } from '../../../src/queues/queue-names';
import { createQueueRegistry } from '../../../src/queues/queue-registry';
import { createRedisConnection } from '../../../src/redis/create-redis-connection';
import { assertNothingLeaked, trackBullmq, trackRedis } from '../../support/leak-guard';
import { acquireTestRedis, type TestRedis } from '../../support/redis';

const logger = createLogger({
  logLevel: 'silent',
  logPretty: false,
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

describe('createQueue and QueueRegistry against Redis', () => {
  let redis: TestRedis;
  let connection: RedisClient;
  let inspect: Redis;

  beforeAll(async () => {
    redis = await acquireTestRedis();
  });
  afterAll(async () => {
    await redis.release();
  });

  beforeEach(() => {
    connection = trackRedis(
      createRedisConnection(loadConfig({ REDIS_URL: redis.url }), logger, { connectionName: 'test' }),
    );
    inspect = redis.connect();
  });
  afterEach(async () => {
    await connection.quit();
    await inspect.quit();
    await assertNothingLeaked();
  });

  it('keeps a queue under <QUEUE_PREFIX>:<queue>:* with the configured retry policy', async () => {
    const config = loadConfig({ QUEUE_PREFIX: redis.queuePrefix(), JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' });
    const queue = trackBullmq(createQueue(QueueNames.ownerSync, { config, connection, logger }));
    const job = await queue.add('user', { userId: 'u1' }, { jobId: 'u1' });
    expect(job.opts).toMatchObject({
      attempts: 3,
      backoff: { type: 'exponential', delay: 50, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 100 },
    });
    expect(await inspect.exists(`${config.queuePrefix}:owner-sync:u1`)).toBe(1);
    expect(await inspect.hget(`${config.queuePrefix}:owner-sync:u1`, 'data')).toBe('{"userId":"u1"}');
    const otherKeys = await inspect.keys(`bull:*`);
    expect(otherKeys).toEqual([]);
    await queue.close();
  });

  it('gives dead-letter one attempt and keeps its entries', async () => {
    const config = loadConfig({
      QUEUE_PREFIX: redis.queuePrefix(),
      JOB_ATTEMPTS: '5',
      JOB_BACKOFF_MS: '1000',
    });
    const queue = trackBullmq(createQueue(QueueNames.deadLetter, { config, connection, logger }));
    const job = await queue.add('owner-sync', { queue: 'owner-sync', jobId: 'x' });
    expect(job.opts).toMatchObject({ attempts: 1, removeOnComplete: false, removeOnFail: false });
    expect(await inspect.exists(`${config.queuePrefix}:dead-letter:${job.id}`)).toBe(1);
    await queue.close();
  });

  it('opens each queue once on the shared connection and closes them all, leaving the connection open', async () => {
    const config = loadConfig({
      QUEUE_PREFIX: redis.queuePrefix(),
      JOB_ATTEMPTS: '5',
      JOB_BACKOFF_MS: '1000',
    });
    const registry = createQueueRegistry({ config, connection, logger });
    const owner = trackBullmq(registry.get(QueueNames.ownerSync));
    expect(registry.get(QueueNames.ownerSync)).toBe(owner);
    const cascade = trackBullmq(registry.get(QueueNames.taskCascade));
    await cascade.add('order', { orderId: 'o1' });
    expect(await cascade.count()).toBe(1);
    await registry.close();
    await registry.close();
    expect(owner.closing).toBeDefined();
    expect(cascade.closing).toBeDefined();
    // Whoever created the shared connection closes it: the registry must not have.
    expect(await connection.ping()).toBe('PONG');
  });
});
