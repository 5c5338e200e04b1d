/**
 * Section 3: manager-sync jobs through Redis, as production runs them: BullMQ queue, `SyncWorkerPool`,
 * the real processor writing to MongoDB. First a backlog of jobs added at once (throughput, and how long
 * a job waits in such a backlog), then jobs added one at a time on an idle queue (latency of one change).
 */
import { randomUUID } from 'node:crypto';
import type { Job, Worker } from 'bullmq';
import { MongoClient, ObjectId, type Document } from 'mongodb';
import pino from 'pino';
import { syncCollections } from '../src/db/sync-collections';
import type { SyncCollections } from '../src/sync/sync-job-context';
import { QueueNames } from '../src/queues/queue-names';
import { createQueueRegistry } from '../src/queues/queue-registry';
import { createRedisConnection } from '../src/redis/create-redis-connection';
import { SyncWorkerPool } from '../src/worker/sync-worker-pool';
import { percentile, round } from './stats';
import { benchConfig, createSyncIndexes } from './sync-database';

export interface EndToEndOptions {
  /** Jobs in the backlog, one per user. */
  jobs: number;
  /** Orders each user manages: what one job updates. */
  ordersPerUser: number;
  /** Jobs added one at a time, each awaited, for the idle latency. */
  idleJobs: number;
}

export interface EndToEndResult {
  jobs: number;
  ordersPerUser: number;
  concurrency: number;
  drainMs: number;
  jobsPerSec: number;
  /** Added to completed (BullMQ's timestamps), jobs of the backlog. */
  backlog: { p50Ms: number; p99Ms: number };
  /** Before `add` to the worker's `completed` event, one job at a time. */
  idle: { jobs: number; p50Ms: number; p99Ms: number };
}

const DRAIN_TIMEOUT_MS = 300_000;

export async function measureEndToEnd(
  mongoUrl: string,
  redisUrl: string,
  databaseName: string,
  options: EndToEndOptions,
): Promise<EndToEndResult> {
  const config = benchConfig(mongoUrl, databaseName, {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench-${randomUUID()}`,
  });
  await createSyncIndexes(mongoUrl, config);
  const logger = pino({ level: 'silent' });
  const client = await MongoClient.connect(mongoUrl);
  const connection = createRedisConnection(config, logger, { connectionName: 'user-sync-bench' });
  const queues = createQueueRegistry({ config, connection, logger });
  const collections = syncCollections(client.db(databaseName), config.collections);
  let pool: SyncWorkerPool | undefined;
  try {
    const userIds = await insertManagers(collections, options);
    pool = new SyncWorkerPool({
      config,
      connection,
      queues,
      collections,
      logger,
      queueNames: [QueueNames.managerSync],
    });
    await pool.ready();
    const completions = new Completions(pool.workers[0]);
    const queue = queues.get(QueueNames.managerSync);

    const start = performance.now();
    await queue.addBulk(
      userIds.map(id => ({ name: QueueNames.managerSync, data: { userId: id.toHexString() } })),
    );
    const backlog = await completions.waitFor(options.jobs);
    const drainMs = performance.now() - start;
    const stale = await collections.orders.countDocuments({
      'metadata.dashclicks_team.manager.name': 'stale',
    });
    if (stale > 0) throw new Error(`${stale} orders still carry a stale manager after the backlog drained`);

    const idle: number[] = [];
    for (let i = 0; i < options.idleJobs; i += 1) {
      const userId = userIds[i % userIds.length];
      await collections.users.updateOne({ _id: userId }, { $set: { name: `idle ${i}` } });
      const added = performance.now();
      await queue.add(QueueNames.managerSync, { userId: userId.toHexString() });
      await completions.waitFor(1);
      idle.push(performance.now() - added);
    }

    const backlogMs = backlog.map(job => (job.finishedOn ?? Number.NaN) - job.timestamp);
    return {
      jobs: options.jobs,
      ordersPerUser: options.ordersPerUser,
      concurrency: config.workerConcurrency,
      drainMs: Math.round(drainMs),
      jobsPerSec: round(options.jobs / (drainMs / 1000)),
      backlog: { p50Ms: round(percentile(backlogMs, 50)), p99Ms: round(percentile(backlogMs, 99)) },
      idle: { jobs: idle.length, p50Ms: round(percentile(idle, 50)), p99Ms: round(percentile(idle, 99)) },
    };
  } finally {
    await pool?.close().catch(() => undefined);
    await Promise.allSettled(queues.opened().map(queue => queue.obliterate({ force: true })));
    await queues.close().catch(() => undefined);
    await connection.quit().catch(() => undefined);
    await client
      .db(databaseName)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
  }
}

/** Users each managing `ordersPerUser` orders whose manager copy is stale, so every job has work to do. */
async function insertManagers(collections: SyncCollections, options: EndToEndOptions): Promise<ObjectId[]> {
  const users: Document[] = Array.from({ length: options.jobs }, (_, i) => ({
    _id: new ObjectId(),
    account: new ObjectId(),
    is_owner: false,
    name: `Manager ${i}`,
    email: `manager${i}@example.com`,
    phone: '+15550000000',
    image: null,
  }));
  const orders = users.flatMap(user =>
    Array.from({ length: options.ordersPerUser }, () => ({
      _id: new ObjectId(),
      manager: user._id,
      assigned_user_ids: [],
      metadata: { dashclicks_team: { manager: { id: user._id, name: 'stale' } } },
    })),
  );
  await collections.users.insertMany(users, { ordered: false });
  await collections.orders.insertMany(orders, { ordered: false });
  return users.map(user => user._id as ObjectId);
}

/** Collects the worker's completed jobs and hands them out in arrival order; a failed job is an error. */
class Completions {
  private readonly done: Job[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(worker: Worker) {
    worker.on('completed', (job: Job) => {
      this.done.push(job);
      this.wake?.();
    });
    worker.on('failed', (job: Job | undefined, error: Error) => {
      this.failure = new Error(`job ${job?.id ?? '?'} failed: ${error.message}`);
      this.wake?.();
    });
  }

  async waitFor(count: number): Promise<Job[]> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (this.done.length < count) {
      if (this.failure) throw this.failure;
      if (Date.now() > deadline)
        throw new Error(`only ${this.done.length} of ${count} jobs completed in time`);
      // Woken by the next event, or after a second to check the deadline.
      await new Promise<void>(resolve => {
        const finish = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(finish, 1000);
        this.wake = finish;
      });
    }
    return this.done.splice(0, count);
  }
}
