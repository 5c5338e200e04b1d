import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ObjectId, type Db, type MongoClient } from 'mongodb';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked, trackBullmq } from '../../support/leak-guard';
import { spawnCli } from '../../support/cli-process';
import { aUser, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

/**
 * A worker told to stop (SIGTERM, as Kubernetes does on a rollout) finishes the job it is running before
 * it exits 0; only a second signal abandons it. The job: one user on 5000 orders whose responsible lists
 * must be rebuilt, in five chunks of 1000 with progress reported after each, so "mid-job" is observable.
 */
const ORDERS = 5000;

describe('graceful shutdown of `user-sync worker`', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let client: MongoClient;
  let connection: Redis;

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis();
    client = await mongo.connect();
    connection = redis.connect();
  });
  afterAll(async () => {
    await connection.quit();
    await client.close();
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  async function slowJobSetup() {
    const database = mongo.databaseName();
    const db = client.db(database);
    const user = aUser();
    await db.collection('_users').insertOne(user);
    await insertOrders(db, user._id);
    const prefix = redis.queuePrefix();
    const queue = trackBullmq(
      new Queue('responsible-rebuild', { connection, prefix }),
      'responsible-rebuild',
    );
    await queue.add(
      'responsible-rebuild',
      { userId: user._id.toHexString() },
      { jobId: 'slow-1', attempts: 1 },
    );
    const worker = spawnCli(['worker', '--queues', 'responsible-rebuild'], {
      MONGO_URL: mongo.urlFor(database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      SHUTDOWN_TIMEOUT_MS: '60000',
      WORKER_CONCURRENCY: '1',
      LOG_LEVEL: 'info',
    });
    // Mid-job: the first chunk of five is rebuilt.
    await waitUntil(
      'the job to be part-way done',
      async () => {
        const job = await queue.getJob('slow-1');
        return typeof job?.progress === 'number' && job.progress > 0 && job.progress < 99;
      },
      { timeoutMs: 60_000, everyMs: 10 },
    );
    return { db, user, queue, worker };
  }

  it('lets the active job finish on SIGTERM, then exits 0', async () => {
    const { db, user, queue, worker } = await slowJobSetup();
    const signalledAt = Date.now();
    const exit = await worker.stop('SIGTERM', 60_000);
    expect(exit).toEqual({ code: 0, signal: null });

    const job = await queue.getJob('slow-1');
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toMatchObject({ ordersRebuilt: ORDERS, continued: false });
    // It was running when the signal came and finished after it: the signal did not cut it short.
    expect(job?.processedOn).toBeLessThan(signalledAt);
    expect(job?.finishedOn).toBeGreaterThan(signalledAt);
    const rebuilt = await db
      .collection('_store.orders')
      .countDocuments({ assigned_user_ids: user._id, 'metadata.responsible': [metaOf(user)] });
    expect(rebuilt).toBe(ORDERS);
    expect(worker.stdout()).toMatch(/"msg":"shutting down"/);
    await queue.close();
  });

  it('exits at once on a second signal, leaving the job to be picked up again', async () => {
    const { queue, worker } = await slowJobSetup();
    worker.child.kill('SIGTERM');
    await worker.waitFor(/"msg":"shutting down"/);
    const exit = await worker.stop('SIGTERM', 60_000);
    expect(exit).toEqual({ code: 130, signal: null });
    expect(await (await queue.getJob('slow-1'))?.getState()).toBe('active');
    await queue.close();
  });
});

async function insertOrders(db: Db, userId: ObjectId): Promise<void> {
  for (let start = 0; start < ORDERS; start += 1000) {
    const batch = Array.from({ length: 1000 }, () => ({
      _id: new ObjectId(),
      status: 'active',
      assigned_user_ids: [userId],
      metadata: { responsible: [] },
    }));
    await db.collection('_store.orders').insertMany(batch);
  }
}
