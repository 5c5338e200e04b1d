/**
 * Everything a sync-job test needs, isolated per test file: a fresh database on the chosen MongoDB, a fresh
 * queue prefix on the chosen Redis, the real queues and workers, and `drain()` to wait until every sync
 * queue is empty. Tests then assert on the documents, never on which function ran.
 */
import { MongoClient, type Db } from 'mongodb';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import pino from 'pino';
import { createModels } from '../../src/db/create-models';
import { ensureIndexes } from '../../src/db/ensure-indexes';
import { loadConfig } from '../../src/config/load-config';
import type { Config } from '../../src/config/config-types';
import { createQueue } from '../../src/queues/create-queue';
import { QueueRegistry } from '../../src/queues/queue-registry';
import { SYNC_QUEUES, type QueueName, type SyncQueueName } from '../../src/queues/queue-names';
import { syncCollections } from '../../src/db/sync-collections';
import type { SyncCollections } from '../../src/sync/sync-job-context';
import { SyncWorkerPool } from '../../src/worker/sync-worker-pool';
import { acquireTestMongo, type TestMongo } from './mongo';
import { acquireTestRedis, type TestRedis } from './redis';
import { assertNothingLeaked, trackBullmq, trackMongoClient, trackRedis } from './leak-guard';

export interface SyncHarness {
  config: Config;
  mongo: TestMongo;
  redis: TestRedis;
  client: MongoClient;
  db: Db;
  collections: SyncCollections;
  queues: QueueRegistry;
  startWorkers(overrides?: {
    concurrency?: number;
    queueNames?: readonly SyncQueueName[];
  }): Promise<SyncWorkerPool>;
  enqueue(queue: QueueName, data: Record<string, unknown>, jobId?: string): Promise<void>;
  /** Waits until no sync queue has waiting, delayed, prioritized or active jobs. */
  drain(timeoutMs?: number): Promise<void>;
  /** What a user-sync process needs to reach this harness's servers and queues, plus `extra`. */
  processEnv(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startSyncHarness(
  env: Record<string, string> = {},
  options: { redisFaults?: boolean } = {},
): Promise<SyncHarness> {
  const mongo = await acquireTestMongo();
  const redis = await acquireTestRedis({ faultInjection: options.redisFaults ?? false });
  const databaseName = mongo.databaseName();
  const mongoUrl = new URL(mongo.uri);
  mongoUrl.pathname = `/${databaseName}`;
  const config = loadConfig({
    MONGO_URL: mongoUrl.toString(),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.queuePrefix(),
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '50',
    WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const client = trackMongoClient(await MongoClient.connect(mongo.uri), 'sync harness');
  const db = client.db(databaseName);
  // The indexes production creates at startup, through the same code: without them every fan-out
  // query would scan its collection and the tests would measure that.
  const indexing = await mongoose
    .createConnection(mongo.uri, { dbName: databaseName, autoIndex: false })
    .asPromise();
  await ensureIndexes(createModels(indexing, config.collections));
  await indexing.close();
  const collections = syncCollections(db, config.collections);
  const connection = trackRedis(new Redis(config.redisUrl, { maxRetriesPerRequest: null }), 'sync harness');
  const queues = new QueueRegistry(name =>
    // With a logger, a queue reports its connection errors there, not as stack traces on the console.
    trackBullmq(createQueue(name, { config, connection, logger }), `queue ${name}`),
  );
  const pools: SyncWorkerPool[] = [];

  return {
    config,
    mongo,
    redis,
    client,
    db,
    collections,
    queues,
    processEnv: (extra = {}) => ({
      MONGO_URL: config.mongoUrl,
      REDIS_URL: config.redisUrl,
      QUEUE_PREFIX: config.queuePrefix,
      ...extra,
    }),
    async startWorkers(overrides = {}) {
      const pool = new SyncWorkerPool({
        config: { ...config, workerConcurrency: overrides.concurrency ?? config.workerConcurrency },
        connection,
        queues,
        collections,
        logger,
        queueNames: overrides.queueNames ?? SYNC_QUEUES,
      });
      for (const worker of pool.workers) trackBullmq(worker, `worker ${worker.name}`);
      pools.push(pool);
      await pool.ready();
      return pool;
    },
    async enqueue(queue, data, jobId) {
      await queues.get(queue).add(queue, data, jobId === undefined ? {} : { jobId });
    },
    async drain(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await Promise.all(
          SYNC_QUEUES.map(name =>
            queues.get(name).getJobCounts('waiting', 'delayed', 'prioritized', 'active'),
          ),
        );
        const busy = counts.reduce((sum, count) => sum + Object.values(count).reduce((a, b) => a + b, 0), 0);
        if (busy === 0) return;
        if (Date.now() > deadline)
          throw new Error(`queues not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
        await new Promise(resolve => setTimeout(resolve, 25));
      }
    },
    async close() {
      await Promise.allSettled(pools.map(pool => pool.close()));
      const opened = queues.opened();
      await Promise.allSettled(opened.map(queue => queue.obliterate({ force: true })));
      await queues.close().catch(() => undefined);
      await connection.quit().catch(() => undefined);
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await redis.release();
      await mongo.release();
      await assertNothingLeaked();
    },
  };
}
