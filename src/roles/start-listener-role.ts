import { ChangeListener } from '../listener/change-listener';
import type { Releasers } from '../lifecycle/releasers';
import { enqueueResync } from '../resync/enqueue-resync';
import type { ServiceDependencies } from './service-dependencies';

/**
 * How long shutdown waits for the listener to finish its batch, write its last checkpoint and release the
 * lease. Dropping any of that is safe: the checkpoint only ever follows enqueued jobs (the next leader
 * resumes from the last one written and re-adds jobs under the same ids), and an unreleased lease expires
 * after LISTENER_LEASE_TTL_MS. Waiting longer on a MongoDB or Redis that stopped answering is not: the
 * orchestrator's grace (10 s under podman-compose) runs out and the process is killed.
 */
export const LISTENER_STOP_TIMEOUT_MS = 3000;

export function startListenerRole(deps: ServiceDependencies, releasers: Releasers): ChangeListener {
  const listener = new ChangeListener({
    database: deps.mongo.db,
    scope: { collections: deps.config.collections, syncReferences: deps.config.syncReferences },
    queues: deps.queues,
    redis: deps.redis,
    redisHealth: deps.redisHealth,
    queuePrefix: deps.config.queuePrefix,
    logger: deps.logger,
    leaseTtlMs: deps.config.listener.leaseTtlMs,
    checkpointEveryEvents: deps.config.listener.checkpointEveryEvents,
    checkpointEveryMs: deps.config.listener.checkpointEveryMs,
    resyncAll: async () => {
      await enqueueResync(
        { all: true },
        {
          collections: deps.collections,
          queues: deps.queues,
          source: 'listener: history lost',
          syncReferences: deps.config.syncReferences,
        },
      );
    },
  });
  releasers.add('listener', () => listener.stop(), { timeoutMs: LISTENER_STOP_TIMEOUT_MS });
  listener.start();
  return listener;
}
