import type { Redis } from 'ioredis';
import { startAll, type AllProcess } from '../../support/all-process';
import { spawnCli } from '../../support/cli-process';
import { assertNothingLeaked } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: wrong credentials or permissions are not an outage. A one-shot command stops at once with one
 * line naming the problem; a long-running role says so on /readyz and in one log line.
 */
describe('Redis refuses the credentials', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let admin: Redis;
  let all: AllProcess | undefined;
  const url = (user: string, password: string) =>
    redis.url.replace('redis://', `redis://${user}:${password}@`);

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis({ faultInjection: true });
    admin = redis.connect();
    await admin.acl('SETUSER', 'sync', 'on', '>right-password', '~*', '&*', '+@all');
    // Can connect and pass the ready check, but may run none of BullMQ's commands.
    await admin.acl('SETUSER', 'viewer', 'on', '>viewer-password', '~*', '+ping', '+info', '+client');
  });
  afterAll(async () => {
    await all?.process.stop('SIGKILL');
    await admin.quit();
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('a one-shot command exits at once with one line naming WRONGPASS, never the password', async () => {
    const started = Date.now();
    const retry = spawnCli(['retry'], {
      REDIS_URL: url('sync', 'wrong-password'),
      CONNECT_TIMEOUT_MS: '10000',
    });
    const exit = await retry.exited;
    const seconds = (Date.now() - started) / 1000;
    expect(exit.code).toBe(1);
    const lines = retry.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^user-sync retry: Redis at redis:\/\/sync:\*\*\*@127\.0\.0\.1:\d+ refused the credentials or permissions \(WRONGPASS/,
    );
    expect(retry.stderr()).not.toContain('wrong-password');
    // At once: well inside CONNECT_TIMEOUT_MS (the rest is node and tsx starting).
    expect(seconds).toBeLessThan(8);
  });

  it('a one-shot command whose user lacks a permission exits with one line naming NOPERM', async () => {
    const retry = spawnCli(['retry'], { REDIS_URL: url('viewer', 'viewer-password') });
    const exit = await retry.exited;
    expect(exit.code).toBe(1);
    const lines = retry.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^user-sync retry: Redis refused a command: NOPERM/);
  });

  it('a long-running role says WRONGPASS on /readyz and in one log line, then runs once it is fixed', async () => {
    all = await startAll({
      MONGO_URL: mongo.urlFor(mongo.databaseName()),
      REDIS_URL: url('sync', 'right-password'),
      QUEUE_PREFIX: redis.queuePrefix(),
    });
    await all.waitUntilReady();
    await all.process.stop();
    all = await startAll({
      MONGO_URL: mongo.urlFor(mongo.databaseName()),
      REDIS_URL: url('sync', 'wrong-password'),
      QUEUE_PREFIX: redis.queuePrefix(),
    });
    await waitUntil('/readyz to name WRONGPASS', async () => {
      const { status, body } = await all!.readyz();
      return (
        status === 503 && /refused the credentials or permissions \(WRONGPASS/.test(body.checks.redis ?? '')
      );
    });
    // It keeps trying (the password may be fixed on the server's side) without a line per attempt.
    await new Promise(resolve => setTimeout(resolve, 3000));
    expect(all.logLines(/WRONGPASS/)).toBe(1);
    expect(all.logLines(/wrong-password/)).toBe(0);
    await admin.acl('SETUSER', 'sync', '>wrong-password');
    await all.waitUntilReady(30_000);
  }, 90_000);
});
