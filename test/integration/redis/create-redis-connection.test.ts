import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../src/config/load-config';
import { createLogger } from '../../../src/logging/create-logger';
import { createQueue } from '../../../src/queues/create-queue';
import { QueueNames } from '../../../src/queues/queue-names';
import { createRedisConnection } from '../../../src/redis/create-redis-connection';
import { assertNothingLeaked, trackBullmq, trackRedis } from '../../support/leak-guard';
import { acquireTestRedis, type TestRedis } from '../../support/redis';

const lines: string[] = [];
const logger = createLogger({
  logLevel: 'debug',
  logPretty: false,
  destination: new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      lines.push(chunk.toString());
      callback();
    },
  }),
});

describe('createRedisConnection', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await acquireTestRedis({ faultInjection: true });
  });
  afterAll(async () => {
    await redis.release();
  });
  afterEach(() => assertNothingLeaked());

  it('names the connection and meets BullMQ requirements', async () => {
    const connection = trackRedis(
      createRedisConnection(loadConfig({ REDIS_URL: redis.url }), logger, { connectionName: 'role-x' }),
    ) as Redis;
    expect(await connection.client('GETNAME')).toBe('role-x');
    expect(connection.options.maxRetriesPerRequest).toBeNull();
    expect(connection.options.enableReadyCheck).toBe(true);
    await connection.quit();
  });

  it('rides out a Redis crash: commands wait, then succeed once it is back, and data survives', async () => {
    const connection = trackRedis(
      createRedisConnection(loadConfig({ REDIS_URL: redis.url }), logger, {
        connectionName: 'crash',
        maxReconnectDelayMs: 200,
      }),
    );
    const queue = trackBullmq(
      createQueue(QueueNames.managerSync, {
        config: loadConfig({ QUEUE_PREFIX: redis.queuePrefix(), JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '10' }),
        connection,
        logger,
      }),
    );
    await queue.add('user', { userId: 'before-crash' }, { jobId: 'before-crash' });

    await redis.kill();
    // Issued while Redis is down: with maxRetriesPerRequest null it must wait, not fail.
    const whileDown = queue.add('user', { userId: 'during-outage' }, { jobId: 'during-outage' });
    await new Promise(resolve => setTimeout(resolve, 500));
    await redis.start();
    await whileDown;

    const ids = (await queue.getJobs(['waiting'])).map(job => job.id).sort();
    expect(ids).toEqual(['before-crash', 'during-outage']);
    expect(lines.join('')).toContain('Redis connection lost, reconnecting');
    await queue.close();
    await connection.quit();
  });
});
