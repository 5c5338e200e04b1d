import type { Releasers } from '../lifecycle/releasers';
import { SYNC_QUEUES, type SyncQueueName } from '../queues/queue-names';
import { SyncWorkerPool } from '../worker/sync-worker-pool';
import type { ServiceDependencies } from './service-dependencies';

export async function startWorkerRole(
  deps: ServiceDependencies,
  releasers: Releasers,
  queueNames: readonly SyncQueueName[] = SYNC_QUEUES,
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
  deps.logger.info(
    { role: 'worker', queues: queueNames, concurrency: deps.config.workerConcurrency },
    'worker ready',
  );
  return pool;
}
