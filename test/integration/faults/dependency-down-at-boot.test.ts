import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { freePort } from '../../../src/dev/free-port';
import { startMongoEmulator, type MongoEmulator } from '@user-sync/mongo-emulator';
import { startAll, type AllProcess } from '../../support/all-process';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked, trackMongoClient } from '../../support/leak-guard';
import { reportFigure } from '../../support/fault-figures';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: a long-running role started while a server is down waits for it. It says so once, /readyz
 * names the server meanwhile, and once the server is up the role becomes ready and syncs.
 */
describe('user-sync all started while a server is down', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let all: AllProcess | undefined;
  let emulator: MongoEmulator | undefined;
  let client: MongoClient | undefined;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis({ faultInjection: true });
  });
  afterEach(async () => {
    await client?.close();
    await all?.stop();
    await emulator?.stop();
    [all, emulator, client] = [undefined, undefined, undefined];
  });
  afterAll(async () => {
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  /** Waits until /readyz answers 503 naming `server` as waited for and the other one as ok. */
  const downOnReadyz = (server: 'mongodb' | 'redis') =>
    waitUntil(
      `/readyz to name ${server} alone`,
      async () => {
        const { status, body } = await all!.readyz();
        const other = server === 'mongodb' ? 'redis' : 'mongodb';
        return status === 503 &&
          body.failed?.includes(server) &&
          /^waiting/.test(body.checks[server]) &&
          body.checks[other] === 'ok'
          ? body
          : undefined;
      },
      { timeoutMs: 30_000, everyMs: 200 },
    );

  it('MongoDB down: "waiting for MongoDB" once, /readyz names mongodb, then ready and syncing once it is up', async () => {
    const port = await freePort();
    const database = `test-${randomUUID()}`;
    const url = `mongodb://127.0.0.1:${port}/${database}?replicaSet=rs0`;
    all = await startAll({
      MONGO_URL: url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      LOG_LEVEL: 'debug',
    });

    const body = await downOnReadyz('mongodb');
    expect(body.checks.mongodb).toBe(
      `waiting for MongoDB at ${url} (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    expect(body.checks.redis).toBe('ok');
    // Several attempts fail, and still the operator reads one line.
    await waitUntil('three failed attempts', () => all!.logLines(/MongoDB still unreachable/) >= 3, {
      timeoutMs: 60_000,
    });
    expect(all.logLines(/waiting for MongoDB/)).toBe(1);

    emulator = await startMongoEmulator({ port });
    const up = Date.now();
    await all.waitUntilReady();
    reportFigure('all started with MongoDB down', { readyAfterMongoUpMs: Date.now() - up });
    client = trackMongoClient(await new MongoClient(emulator.uri).connect(), 'boot test client');
    const copied = await seedCopiedUsers(client.db(database), 3);
    await copied.rename('Back');
    await copied.converged();
    expect(all.logLines(/waiting for MongoDB/)).toBe(1);
    expect(all.logLines(/"msg":"MongoDB connected"/)).toBe(1);
  });

  it('Redis down: "waiting for Redis" once (no "lost" line), /readyz names redis, then ready and syncing once it is up', async () => {
    const database = mongo.databaseName();
    await redis.stop();
    all = await startAll({
      MONGO_URL: mongo.urlFor(database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      LOG_LEVEL: 'debug',
    });

    const body = await downOnReadyz('redis');
    expect(body.checks.redis).toBe(`waiting for Redis at ${redis.url} (ECONNREFUSED)`);
    expect(body.checks.mongodb).toBe('ok');
    await waitUntil('three failed attempts', () => all!.logLines(/Redis still unreachable/) >= 3, {
      timeoutMs: 30_000,
    });
    expect(all.logLines(/waiting for Redis/)).toBe(1);

    await redis.start();
    const up = Date.now();
    await all.waitUntilReady();
    reportFigure('all started with Redis down', { readyAfterRedisUpMs: Date.now() - up });
    client = await mongo.connect();
    const copied = await seedCopiedUsers(client.db(database), 3);
    await copied.rename('Back');
    await copied.converged();
    expect(all.logLines(/waiting for Redis/)).toBe(1);
    expect(all.logLines(/Redis connection lost/)).toBe(0);
  });

  it('stops at once on SIGTERM while it waits', async () => {
    const port = await freePort();
    all = await startAll({
      MONGO_URL: `mongodb://127.0.0.1:${port}/app`,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
    });
    await downOnReadyz('mongodb');
    const started = Date.now();
    await all.stop();
    all = undefined;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
