import { startDeadLetterExpiry } from '../dead-letter/expire-dead-letters';
import type { Releasers } from '../lifecycle/releasers';
import { QueueNames, workerQueues, type WorkerQueueName } from '../queues/queue-names';
import { SyncWorkerPool } from '../worker/sync-worker-pool';
import { CLOSE_TIMEOUT_MS, type ServiceDependencies } from './service-dependencies';

export async function startWorkerRole(
  deps: ServiceDependencies,
  releasers: Releasers,
  queueNames: readonly WorkerQueueName[] = workerQueues(deps.config.identity.enabled),
): Promise<SyncWorkerPool> {
  const pool = new SyncWorkerPool({
    config: deps.config,
    connection: deps.redis,
    queues: deps.queues,
    collections: deps.collections,
    logger: deps.logger,
    redisHealth: deps.redisHealth,
    queueNames,
  });
  // Registered after the queues and connections, so it is released first: active jobs finish before those close.
  releasers.add('workers', () => pool.close());
  await pool.ready();
  // Every role that runs workers runs it (`worker`, `all`, `dev`): dead-letter is bounded wherever jobs fail.
  const expiry = startDeadLetterExpiry({
    deadLetter: deps.queues.get(QueueNames.deadLetter),
    maxAgeDays: deps.config.retention.deadLetterDays,
    logger: deps.logger,
    redisHealth: deps.redisHealth,
  });
  // A run waiting on a Redis that is gone must not hold the shutdown.
  releasers.add('dead-letter expiry', () => expiry.stop(), { timeoutMs: CLOSE_TIMEOUT_MS });
  deps.logger.info(
    { component: 'worker', queues: queueNames, concurrency: deps.config.workerConcurrency },
    'worker ready',
  );
  return pool;
}
