import { ChangeListener } from '../listener/change-listener';
import type { Releasers } from '../lifecycle/releasers';
import { enqueueResync } from '../resync/enqueue-resync';
import type { ServiceDependencies } from './service-dependencies';

export function startListenerRole(deps: ServiceDependencies, releasers: Releasers): ChangeListener {
  const listener = new ChangeListener({
    database: deps.mongo.db,
    scope: { collections: deps.config.collections, syncReferences: deps.config.syncReferences },
    queues: deps.queues,
    redis: deps.redis,
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
  releasers.add('listener', () => listener.stop());
  listener.start();
  return listener;
}
