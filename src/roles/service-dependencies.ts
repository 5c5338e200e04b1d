/**
 * What every long-running role shares: one MongoDB pool, one Redis connection for producers, the queue
 * registry. Each resource registers its own release as it opens, so a failure halfway through boot still
 * releases what was opened.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/config-types';
import { connectMongo, type MongoConnection } from '../db/connect-mongo';
import { createModels, type SyncModels } from '../db/create-models';
import { ensureIndexes } from '../db/ensure-indexes';
import { syncCollections } from '../db/sync-collections';
import type { Releasers } from '../lifecycle/releasers';
import type { Logger } from '../logging/create-logger';
import { createQueue } from '../queues/create-queue';
import { QueueRegistry } from '../queues/queue-registry';
import { awaitRedisReady } from '../redis/await-redis-ready';
import { closeRedis, createRedisConnection } from '../redis/create-redis-connection';
import type { SyncCollections } from '../sync/sync-job-context';

export interface ServiceDependencies {
  config: Config;
  logger: Logger;
  mongo: MongoConnection;
  models: SyncModels;
  collections: SyncCollections;
  redis: Redis;
  queues: QueueRegistry;
}

export async function openServiceDependencies(
  config: Config,
  logger: Logger,
  releasers: Releasers,
  role: string,
  /** One-shot commands give up on an unreachable Redis after `config.connectTimeoutMs`; roles wait. */
  { failFast = false }: { failFast?: boolean } = {},
): Promise<ServiceDependencies> {
  const mongo = await connectMongo(config, logger, {
    appName: `user-sync-${role}`,
    // Stopping sends killCursors (the listener's change stream, while its getMore holds a connection) and
    // endSessions; spare connections kept open let both go out at once. Opening one at that moment can
    // take the whole grace period: in a container, DNS lookups stall for ~10 s while the engine rewires
    // the network for a neighbour that compose stopped just before.
    ...(failFast ? {} : { minPoolSize: 2 }),
  });
  releasers.add('mongodb', () => mongo.close());
  const models = createModels(mongo.connection, config.collections);
  await ensureIndexes(models);
  const redis = createRedisConnection(config, logger, {
    connectionName: `user-sync-${role}`,
    announceLoss: !failFast,
  });
  releasers.add('redis', () => closeRedis(redis));
  if (failFast) await awaitRedisReady(redis, config.redisUrl, config.connectTimeoutMs);
  const queues = new QueueRegistry(name => createQueue(name, { config, connection: redis }), logger);
  releasers.add('queues', () => queues.close());
  return {
    config,
    logger,
    mongo,
    models,
    collections: syncCollections(mongo.db, config.collections),
    redis,
    queues,
  };
}
