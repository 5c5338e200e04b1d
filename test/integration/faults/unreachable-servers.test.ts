import { createServer, type AddressInfo } from 'node:net';
import { freePort } from '../../../src/dev/free-port';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked } from '../../support/leak-guard';
import { spawnCli } from '../../support/cli-process';

/**
 * SPEC §6: a one-shot command that cannot reach MongoDB or Redis exits non-zero within about its limit,
 * with one line naming which server and where (never the password), instead of waiting forever.
 */
describe('one-shot commands against an unreachable server', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let closedPort: number;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis();
    closedPort = await freePort();
  });
  afterAll(async () => {
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  const run = async (args: string[], env: Record<string, string>) => {
    const started = Date.now();
    const command = spawnCli(args, { LOG_LEVEL: 'warn', QUEUE_PREFIX: redis.queuePrefix(), ...env });
    const exit = await command.exited;
    return {
      exit,
      seconds: (Date.now() - started) / 1000,
      stderr: command.stderr(),
      stdout: command.stdout(),
    };
  };

  it.each([['retry'], ['replay', '--all'], ['resync', '--all'], ['verify']])(
    '%s with Redis refusing connections: exit 1 at once, one line naming Redis without its password',
    async (...args) => {
      const result = await run(args, {
        MONGO_URL: mongo.urlFor(mongo.databaseName()),
        REDIS_URL: `redis://ops:s3cret@127.0.0.1:${closedPort}`,
      });
      expect(result.exit).toEqual({ code: 1, signal: null });
      expect(result.stderr.trim().split('\n')).toEqual([
        `user-sync ${args[0]}: cannot reach Redis at redis://ops:***@127.0.0.1:${closedPort} (ECONNREFUSED)`,
      ]);
      // No waiting out CONNECT_TIMEOUT_MS (10 s) for a port nobody listens on: start-up and one refusal.
      expect(result.seconds).toBeLessThan(5);
    },
  );

  it.each([['resync', '--all'], ['verify']])(
    '%s with MongoDB refusing connections: exit 1 at once, one line naming MongoDB',
    async (...args) => {
      const result = await run(args, {
        MONGO_URL: `mongodb://admin:s3cret@127.0.0.1:${closedPort}/app?serverSelectionTimeoutMS=10000`,
        REDIS_URL: redis.url,
      });
      expect(result.exit).toEqual({ code: 1, signal: null });
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^user-sync ${args[0]}: cannot reach MongoDB at mongodb://admin:\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}/app\\?serverSelectionTimeoutMS=10000 \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}\\)$`,
        ),
      );
      expect(result.stderr).not.toContain('s3cret');
      expect(result.seconds).toBeLessThan(5);
    },
  );

  it.each([
    ['Redis', 'redis'],
    ['MongoDB', 'mongodb'],
  ])(
    '%s accepting connections but never answering: the line at the deadline, the exit within 1 s of it',
    async (server, scheme) => {
      const silent = createServer(() => {});
      await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as AddressInfo).port;
      try {
        const env =
          scheme === 'redis'
            ? { MONGO_URL: mongo.urlFor(mongo.databaseName()), REDIS_URL: `redis://127.0.0.1:${port}` }
            : { MONGO_URL: `mongodb://127.0.0.1:${port}/app?directConnection=true`, REDIS_URL: redis.url };
        const command = spawnCli(['verify'], { LOG_LEVEL: 'warn', CONNECT_TIMEOUT_MS: '2000', ...env });
        const started = Date.now();
        await command.waitFor(new RegExp(`cannot reach ${server} at .* within 2 s`), {
          stream: 'stderr',
          timeoutMs: 20_000,
        });
        const lineAt = Date.now();
        expect(await command.exited).toEqual({ code: 1, signal: null });
        expect(Date.now() - lineAt).toBeLessThan(1000);
        expect(lineAt - started).toBeGreaterThanOrEqual(2000);
      } finally {
        silent.close();
      }
    },
  );
});
