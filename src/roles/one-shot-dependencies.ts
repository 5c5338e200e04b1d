/**
 * What a one-shot command (verify, resync) opens: MongoDB through the native driver, one Redis connection,
 * the queue registry. Each registers its release as it opens. An unreachable server ends the command with
 * one line (SPEC §6) instead of being waited for, as the long-running roles do.
 */
import type { Config } from '../config/config-types';
import { connectMongoClient } from '../db/connect-mongo-client';
import { syncCollections } from '../db/sync-collections';
import type { Releasers } from '../lifecycle/releasers';
import type { Logger } from '../logging/create-logger';
import { createQueue } from '../queues/create-queue';
import { QueueRegistry } from '../queues/queue-registry';
import { awaitRedisReady } from '../redis/await-redis-ready';
import { closeRedis, createRedisConnection } from '../redis/create-redis-connection';
import type { SyncCollections } from '../sync/sync-job-context';

/** A server that stopped answering must not hold the command's exit (see service-dependencies.ts). */
const CLOSE_TIMEOUT_MS = 2000;

export interface OneShotDependencies {
  config: Config;
  logger: Logger;
  collections: SyncCollections;
  queues: QueueRegistry;
}

export async function openOneShotDependencies(
  config: Config,
  logger: Logger,
  releasers: Releasers,
  role: string,
): Promise<OneShotDependencies> {
  const appName = `user-sync-${role}`;
  // MongoDB first, then Redis with its own deadline: each unreachable server is named with its cause.
  const mongo = await connectMongoClient(config, { appName });
  releasers.add('mongodb', () => mongo.close(), { timeoutMs: CLOSE_TIMEOUT_MS });
  const redis = createRedisConnection(config, logger, { connectionName: appName, announceLoss: false });
  releasers.add('redis', () => closeRedis(redis), { timeoutMs: CLOSE_TIMEOUT_MS });
  await awaitRedisReady(redis, config.redis.address, config.connectTimeoutMs);
  const queues = new QueueRegistry(name => createQueue(name, { config, connection: redis, logger }), logger);
  releasers.add('queues', () => queues.close(), { timeoutMs: CLOSE_TIMEOUT_MS });
  return { config, logger, collections: syncCollections(mongo.db, config.collections), queues };
}
