/**
 * What every long-running role shares: one MongoDB pool, one Redis connection for producers, the queue
 * registry. Each resource registers its own release as it opens, so a failure halfway through boot still
 * releases what was opened. A role waits for servers that do not answer yet (one-shot commands open theirs
 * in one-shot-dependencies.ts, and give up instead).
 */
import type { RedisClient } from '../redis/create-redis-connection';
import type { Config } from '../config/config-types';
import type { MongoConnection } from '../db/connect-mongo';
import { createModels, type SyncModels } from '../db/create-models';
import { ensureIndexes } from '../db/ensure-indexes';
import { syncCollections } from '../db/sync-collections';
import type { Releasers } from '../lifecycle/releasers';
import type { Logger } from '../logging/create-logger';
import { createQueue } from '../queues/create-queue';
import { QueueRegistry } from '../queues/queue-registry';
import { closeRedis, createRedisConnection } from '../redis/create-redis-connection';
import { waitForRedis } from '../redis/wait-for-redis';
import { waitForMongo } from '../db/wait-for-mongo';
import type { DependencyStatus } from './dependency-status';
import { RedisHealth } from '../redis/redis-health';
import type { SyncCollections } from '../sync/sync-job-context';

/**
 * How long shutdown waits for one connection or the queues to close. A server that answers does so in
 * milliseconds; one that has stopped answering would otherwise hold the stop until SHUTDOWN_TIMEOUT_MS, past
 * the 10 s grace podman-compose gives. What is left unclosed ends with the process.
 */
export const CLOSE_TIMEOUT_MS = 2000;

export interface ServiceDependencies {
  config: Config;
  logger: Logger;
  mongo: MongoConnection;
  models: SyncModels;
  collections: SyncCollections;
  redis: RedisClient;
  /** Every Redis error the process meets, for /readyz, /metrics and one log line per error per 30 s. */
  redisHealth: RedisHealth;
  queues: QueueRegistry;
}

export interface OpenServiceDependenciesOptions {
  /** Told which servers a waiting role is still waiting for (what /readyz shows meanwhile). */
  status?: DependencyStatus;
}

export async function openServiceDependencies(
  config: Config,
  logger: Logger,
  releasers: Releasers,
  role: string,
  { status }: OpenServiceDependenciesOptions = {},
): Promise<ServiceDependencies> {
  const appName = `user-sync-${role}`;
  const redisHealth = new RedisHealth(logger);
  if (config.queuePrefixWrappedFrom !== undefined)
    logger.info(
      { queuePrefix: config.queuePrefix, given: config.queuePrefixWrappedFrom },
      'Redis Cluster: QUEUE_PREFIX wrapped in a hash tag, so each queue keeps its keys in one slot',
    );
  const openRedis = () => {
    const connection = createRedisConnection(config, logger, {
      connectionName: appName,
      announceLoss: true,
    });
    connection.on('error', (error: unknown) => redisHealth.report(error, 'connection', { quiet: true }));
    releasers.add('redis', () => closeRedis(connection), { timeoutMs: CLOSE_TIMEOUT_MS });
    return connection;
  };
  // Redis first: it connects in the background while MongoDB is waited for, so /readyz names both when
  // both are down.
  const redis = openRedis();
  const redisReady = waitForRedis(redis, config.redis.address, logger, {
    onWaiting: reason => status?.markDown('redis', reason),
    onConnected: () => status?.markUp('redis'),
  });
  const mongo = await waitForMongo(config, logger, {
    appName,
    // Stopping sends killCursors (the listener's change stream, while its getMore holds a connection)
    // and endSessions; spare connections kept open let both go out at once. Opening one at that moment
    // can take the whole grace period: in a container, DNS lookups stall for ~10 s while the engine
    // rewires the network for a neighbour that compose stopped just before.
    minPoolSize: 2,
    onWaiting: reason => status?.markDown('mongodb', reason),
    onConnected: () => status?.markUp('mongodb'),
  });
  releasers.add('mongodb', () => mongo.close(), { timeoutMs: CLOSE_TIMEOUT_MS });
  await redisReady;
  const models = createModels(mongo.connection, config.collections);
  await ensureIndexes(models);
  const queues = new QueueRegistry(
    name => createQueue(name, { config, connection: redis, logger, redisHealth }),
    logger,
  );
  releasers.add('queues', () => queues.close(), { timeoutMs: CLOSE_TIMEOUT_MS });
  return {
    config,
    logger,
    mongo,
    models,
    collections: syncCollections(mongo.db, config.collections),
    redis,
    redisHealth,
    queues,
  };
}
