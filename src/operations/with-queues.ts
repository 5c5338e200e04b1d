/**
 * One-shot queue operations (replay, retry) need Redis and nothing else: opening MongoDB too would make
 * them fail during a MongoDB outage, exactly when an operator may need to move jobs around.
 */
import { loadConfig } from '../config/load-config';
import type { RawEnv } from '../config/env-schema';
import { Releasers } from '../lifecycle/releasers';
import { createLogger, type Logger } from '../logging/create-logger';
import { createQueueRegistry, type QueueRegistry } from '../queues/queue-registry';
import { awaitRedisReady } from '../redis/await-redis-ready';
import { closeRedis, createRedisConnection } from '../redis/create-redis-connection';

export async function withQueues<T>(
  env: RawEnv,
  role: string,
  run: (queues: QueueRegistry, logger: Logger) => Promise<T>,
): Promise<T> {
  const config = loadConfig(env);
  // These commands speak to a person on stdout; their logs go to stderr, at warn unless LOG_LEVEL says.
  const logger = createLogger({
    ...config,
    logLevel: env.LOG_LEVEL ? config.logLevel : 'warn',
    destination: process.stderr,
  }).child({ role });
  const releasers = new Releasers(logger);
  try {
    const redis = createRedisConnection(config, logger, {
      connectionName: `user-sync-${role}`,
      announceLoss: false,
    });
    releasers.add('redis', () => closeRedis(redis));
    await awaitRedisReady(redis, config.redis.address, config.connectTimeoutMs);
    const queues = createQueueRegistry({ config, connection: redis, logger });
    releasers.add('queues', () => queues.close());
    return await run(queues, logger);
  } finally {
    await releasers.release();
  }
}
