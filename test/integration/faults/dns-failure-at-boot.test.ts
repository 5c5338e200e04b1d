import { startAll, type AllProcess } from '../../support/all-process';
import { spawnCli } from '../../support/cli-process';
import { assertNothingLeaked } from '../../support/leak-guard';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { waitUntil } from '../../support/wait-until';

/**
 * A name that does not resolve at boot (a `mongodb+srv://` whose SRV lookup fails, as it does while a
 * pod's network comes up) is an unreachable server (SPEC §6): long-running roles wait for it, one-shot
 * commands say so in one line.
 */
describe('a DNS failure at boot', () => {
  let redis: TestRedis;
  let all: AllProcess | undefined;
  const MONGO_URL = 'mongodb+srv://cluster0.user-sync-test.invalid/app';
  beforeAll(async () => {
    redis = await acquireTestRedis();
  });
  afterAll(async () => {
    await all?.process.stop();
    await redis.release();
    await assertNothingLeaked();
  });

  it('a long-running role waits for MongoDB, naming the failed lookup on /readyz', async () => {
    all = await startAll({ MONGO_URL, REDIS_URL: redis.url, QUEUE_PREFIX: redis.queuePrefix() });
    await waitUntil('/readyz to name the failed lookup', async () => {
      const { status, body } = await all!.readyz();
      return (
        status === 503 &&
        /^waiting for MongoDB at mongodb\+srv:\/\/cluster0\.user-sync-test\.invalid\/app \((ENOTFOUND|ECONNREFUSED|ETIMEOUT|EAI_AGAIN|ESERVFAIL)\)$/.test(
          body.checks.mongodb ?? '',
        )
      );
    });
    // Still running, and still saying it once.
    await new Promise(resolve => setTimeout(resolve, 3000));
    expect(all.process.child.exitCode).toBeNull();
    expect(all.logLines(/waiting for MongoDB/)).toBe(1);
  });

  it('a one-shot command prints one line and exits 1, no stack trace', async () => {
    const verify = spawnCli(['verify'], { MONGO_URL, REDIS_URL: redis.url, CONNECT_TIMEOUT_MS: '3000' });
    expect((await verify.exited).code).toBe(1);
    const lines = verify.stderr().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^user-sync verify: cannot reach MongoDB at mongodb\+srv:\/\/cluster0\.user-sync-test\.invalid\/app /,
      ),
    ]);
  });
});
