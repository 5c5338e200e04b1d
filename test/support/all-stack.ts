/**
 * The fixture most end-to-end suites share: a test MongoDB and Redis, one `user-sync all` process
 * against them (its own connections and configuration), and a plain driver client for the test's own
 * writes. Registers its beforeAll/afterAll; read the fields inside tests, once beforeAll has run.
 */
import type { Db, MongoClient } from 'mongodb';
import { startAll, type AllProcess } from './all-process';
import { failPointOff } from './fail-command';
import { assertNothingLeaked } from './leak-guard';
import { acquireTestMongo, type TestMongo } from './mongo';
import { acquireTestRedis, type TestRedis } from './redis';

export interface AllStack {
  mongo: TestMongo;
  redis: TestRedis;
  client: MongoClient;
  db: Db;
  all: AllProcess;
  /** The environment `all` was started with, for CLI commands run against the same stack. */
  env: Record<string, string>;
}

export interface AllStackOptions {
  /** Extra environment for `all` (JOB_BACKOFF_MS, SYNC_REFERENCES...). */
  env?: Record<string, string>;
  /** Switch off any fail point the suite set, before stopping. */
  clearFailPoints?: boolean;
  /** beforeAll's timeout. */
  timeoutMs?: number;
}

export function useAllStack(options: AllStackOptions = {}): AllStack {
  const stack = {} as AllStack;
  beforeAll(async () => {
    stack.mongo = await acquireTestMongo();
    stack.redis = await acquireTestRedis();
    const database = stack.mongo.databaseName();
    stack.client = await stack.mongo.connect();
    stack.db = stack.client.db(database);
    stack.env = {
      MONGO_URL: stack.mongo.urlFor(database),
      REDIS_URL: stack.redis.url,
      QUEUE_PREFIX: stack.redis.queuePrefix(),
      ...options.env,
    };
    stack.all = await startAll(stack.env);
    await stack.all.waitUntilReady();
  }, options.timeoutMs ?? 60_000);

  afterAll(async () => {
    if (options.clearFailPoints && stack.client) await failPointOff(stack.client);
    await stack.client?.close();
    await stack.all?.stop();
    await stack.redis?.release();
    await stack.mongo?.release();
    await assertNothingLeaked();
  });
  return stack;
}
