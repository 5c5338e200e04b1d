/** The foundation's public API, for tools and scripts that embed user-sync rather than run its CLI. */
export type { CollectionNames, Config } from './config/config-types';
export { ConfigError, isConfigError } from './config/config-error';
export { loadConfig } from './config/load-config';
export { createLogger, type Logger } from './logging/create-logger';
export { connectMongo, type MongoConnection } from './db/connect-mongo';
export { createModels, type SyncModels } from './db/create-models';
export { ensureIndexes } from './db/ensure-indexes';
export { syncCollections, type SyncCollections } from './db/sync-collections';
export { createRedisConnection } from './redis/create-redis-connection';
export { createQueue } from './queues/create-queue';
export { createQueueRegistry, QueueRegistry } from './queues/queue-registry';
export {
  ALL_QUEUES,
  QueueNames,
  SYNC_QUEUES,
  type QueueName,
  type SyncQueueName,
} from './queues/queue-names';
export { Releasers } from './lifecycle/releasers';
export { handleShutdownSignals } from './lifecycle/handle-shutdown-signals';
