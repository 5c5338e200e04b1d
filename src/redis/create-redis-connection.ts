/**
 * The one way the service opens Redis. BullMQ's requirements are fixed here so no caller can get them
 * wrong: `maxRetriesPerRequest: null` (a blocking worker command must wait out a Redis restart, not fail
 * after 20 retries), ready check on, and a reconnect backoff that grows but stays bounded, so a worker
 * resumes within seconds of Redis coming back however long it was gone.
 */
import type { LookupFunction } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/config-types';
import type { Logger } from '../logging/create-logger';
import { subprocessLookup } from '../net/subprocess-lookup';
import { connectorWithLookup } from './lookup-connector';

export interface CreateRedisConnectionOptions {
  /** `CLIENT SETNAME`, so `CLIENT LIST` shows which role holds which connection. @defaultValue 'user-sync' */
  connectionName?: string;
  /** Upper bound of the reconnect delay, ms. @defaultValue 5000 */
  maxReconnectDelayMs?: number;
  /** Don't connect until the first command. @defaultValue false */
  lazyConnect?: boolean;
  /**
   * Warn when the connection is lost. A one-shot command turns it off: it says in one line that Redis is
   * unreachable when it gives up. @defaultValue true
   */
  announceLoss?: boolean;
  /** How the host name is looked up: never on libuv's thread pool (see subprocess-lookup.ts). @defaultValue subprocessLookup */
  lookup?: LookupFunction;
}

/** Capped exponential backoff: 100, 200, 400 ... ms up to `maxMs`, with jitter so workers don't stampede. */
export function reconnectDelay(attempt: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, 100 * 2 ** Math.min(attempt - 1, 16));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** QUIT when connected (lets pending replies arrive); a connection still trying to connect is dropped. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

export function createRedisConnection(
  config: Pick<Config, 'redisUrl'>,
  logger: Logger,
  options: CreateRedisConnectionOptions = {},
): Redis {
  const log = logger.child({ component: 'redis', connection: options.connectionName ?? 'user-sync' });
  const maxDelay = options.maxReconnectDelayMs ?? 5000;
  const redisOptions: RedisOptions = {
    connectionName: options.connectionName ?? 'user-sync',
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: options.lazyConnect ?? false,
    Connector: connectorWithLookup(options.lookup ?? subprocessLookup),
    // One line when Redis goes away and one when it is back, not one per attempt (SPEC §6), nor one per
    // connection: BullMQ's duplicates of this connection share this strategy. A Redis that never answered
    // was not lost: the role says "waiting for Redis" instead (wait-for-redis.ts).
    retryStrategy: attempt => {
      const delay = reconnectDelay(attempt, maxDelay);
      if (wasReady && !lost && options.announceLoss !== false)
        log.warn({ delayMs: delay }, 'Redis connection lost, reconnecting');
      else log.debug({ attempt, delayMs: delay }, 'Redis still unreachable, reconnecting');
      lost = wasReady;
      return delay;
    },
    // After a failover the old primary answers READONLY; reconnecting reaches the new one.
    reconnectOnError: error => error.message.startsWith('READONLY'),
  };
  const redis = new Redis(config.redisUrl, redisOptions);
  let lost = false;
  let wasReady = false;
  redis.on('ready', () => {
    if (lost) log.info('Redis connection back');
    else log.debug('Redis ready');
    lost = false;
    wasReady = true;
  });
  // Without a listener ioredis prints every failed attempt itself; ours goes through the scrubbing logger.
  redis.on('error', (error: Error) => log.debug({ err: error }, 'Redis connection error'));
  return redis;
}
