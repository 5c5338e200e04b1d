import type { MongoClient } from 'mongodb';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked } from '../../support/leak-guard';
import { spawnCli } from '../../support/cli-process';
import { sleep, waitUntil } from '../../support/wait-until';

/**
 * A server that accepts the change stream and fails every getMore (mongod's `failCommand`, aimed at the
 * listener's appName): the listener must back off, say so once, and show it on /readyz and /metrics,
 * instead of reopening thousands of times a minute.
 */
describe('listener whose change stream keeps closing', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let admin: MongoClient;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis();
    admin = await mongo.connect();
  });
  afterAll(async () => {
    await admin.close();
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  const failGetMore = (mode: unknown) =>
    admin.db('admin').command({
      configureFailPoint: 'failCommand',
      mode,
      data: { appName: 'user-sync-listener', failCommands: ['getMore'], errorCode: 2 },
    });

  it('backs off with one log line, reports it on /readyz and /metrics, and recovers when the server does', async () => {
    const listener = spawnCli(['listener'], {
      MONGO_URL: mongo.urlFor(mongo.databaseName()),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const [, url] = await listener.waitFor(/"url":"(http:\/\/[^"]+)"/);
      await listener.waitFor(/change stream open/);
      await failGetMore('alwaysOn');

      const readyz = await waitUntil('/readyz to report the closing stream', async () => {
        const response = await fetch(`${url}/readyz`);
        const body = (await response.json()) as { checks: Record<string, string> };
        return response.status === 503 && /keeps closing \(\d+ times/.test(body.checks['change-stream'])
          ? body
          : undefined;
      });
      expect(readyz.checks['change-stream']).toMatch(/BadValue|failCommand|code 2|Failing command/i);
      const failures = await waitUntil('several failures in a row on /metrics', async () => {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        const value = Number(/^user_sync_listener_stream_failures\{[^}]*\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
        return value >= 4 ? value : undefined;
      });
      // Backing off: after 4+ failures the next reopen waits hundreds of ms, not a spin of thousands.
      await sleep(3000);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const later = Number(/^user_sync_listener_stream_failures\{[^}]*\} (\d+)$/m.exec(metrics)?.[1]);
      expect(later - failures).toBeLessThan(10);
      expect(listener.stdout().match(/change stream closed/g)).toHaveLength(1);

      await failGetMore('off');
      await listener.waitFor(/change stream open again/, { timeoutMs: 20_000 });
      await waitUntil('/readyz 200 again', async () => (await fetch(`${url}/readyz`)).status === 200);
    } finally {
      await failGetMore('off');
      expect(await listener.stop()).toEqual({ code: 0, signal: null });
    }
  });
});
