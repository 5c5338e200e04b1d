import type { Redis } from 'ioredis';
import type { MongoClient } from 'mongodb';
import { startAll, syncQueueJobs, type AllProcess } from '../../support/all-process';
import { spawnCli } from '../../support/cli-process';
import { reportFigure } from '../../support/fault-figures';
import { assertNothingLeaked } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: a full Redis (`maxmemory` with `noeviction`, as the docs recommend) is transient. A burst fills
 * it: /readyz names OOM, the log stays quiet, no attempt is spent, and once memory is freed every change
 * converges with nothing failed and nothing in dead-letter.
 */
describe('a full Redis', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let client: MongoClient;
  let inspect: Redis;
  let all: AllProcess;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis({ faultInjection: true });
    client = await mongo.connect();
    inspect = redis.connect();
  });
  afterAll(async () => {
    await inspect.config('SET', 'maxmemory', '0').catch(() => undefined);
    await inspect.quit();
    await client.close();
    await all?.stop();
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('fills during a burst, says OOM, loses nothing, and converges once freed', async () => {
    const database = mongo.databaseName();
    const env = {
      MONGO_URL: mongo.urlFor(database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
    };
    const copies = await seedCopiedUsers(client.db(database), 2000);
    all = await startAll({ ...env, JOB_ATTEMPTS: '2' });
    await all.waitUntilReady();

    const used = Number(/used_memory:(\d+)/.exec(await inspect.info('memory'))?.[1]);
    await inspect.config('SET', 'maxmemory-policy', 'noeviction');
    await inspect.config('SET', 'maxmemory', String(used + 200_000));
    await copies.rename('During');
    await waitUntil(
      '/readyz to name OOM',
      async () => {
        const { status, body } = await all.readyz();
        return status === 503 && /^OOM command not allowed/.test(body.checks.redis ?? '');
      },
      { timeoutMs: 30_000 },
    );
    expect(await all.metric('user_sync_redis_error_active', { error: 'OOM' })).toBe(1);

    const linesBefore = all.logLines(/./);
    await new Promise(resolve => setTimeout(resolve, 5000));
    const linesPerSecond = (all.logLines(/./) - linesBefore) / 5;
    expect(linesPerSecond).toBeLessThanOrEqual(10);

    await inspect.config('SET', 'maxmemory', '0');
    const freed = Date.now();
    await copies.converged(120_000);
    const convergedMs = Date.now() - freed;

    await waitUntil(
      'every queue to be empty',
      async () => (await syncQueueJobs(all.url, ['waiting', 'active', 'delayed', 'prioritized'])) === 0,
    );
    expect(await syncQueueJobs(all.url, ['failed'])).toBe(0);
    expect(await all.metric('user_sync_dead_letter_jobs')).toBe(0);
    expect(await all.metricSum('user_sync_jobs_failed_total')).toBe(0);
    expect(await all.metricSum('user_sync_jobs_retried_total')).toBe(0);

    const verify = spawnCli(['verify'], env);
    expect(await verify.exited).toEqual({ code: 0, signal: null });
    reportFigure('Redis full during a burst of 2,000 changes', {
      convergedAfterFreedMs: convergedMs,
      logLinesPerSecondWhileFull: linesPerSecond,
    });
  }, 240_000);
});
