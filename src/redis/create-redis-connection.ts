/**
 * The one way the service opens Redis, whatever the topology (SPEC §4): one node, Redis Cluster or
 * Sentinel, each with credentials and TLS. Every role and command connects here, and BullMQ's duplicates
 * of these connections inherit the same options. BullMQ's requirements are fixed here so no caller can
 * get them wrong: `maxRetriesPerRequest: null` (a blocking worker command must wait out a Redis restart,
 * not fail after 20 retries), ready check on, and a reconnect backoff that grows but stays bounded, so a
 * worker resumes within seconds of Redis coming back however long it was gone.
 */
import type { LookupFunction } from 'node:net';
import { Cluster, Redis, type ClusterOptions } from 'ioredis';
import type { Config, RedisConfig } from '../config/config-types';
import type { Logger } from '../logging/create-logger';
import { subprocessLookup } from '../net/subprocess-lookup';
import { connectorWithLookup } from './lookup-connector';
import { sniSentinelConnector } from './sni-sentinel-connector';
import { redisTlsOptions } from './tls-options';

/** A connection to any of the topologies: ioredis's `Cluster` speaks the same commands as `Redis`. */
export type RedisClient = Redis | Cluster;

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
  /** How host names are looked up: never on libuv's thread pool (see subprocess-lookup.ts). @defaultValue subprocessLookup */
  lookup?: LookupFunction;
}

/** Capped exponential backoff: 100, 200, 400 ... ms up to `maxMs`, with jitter so workers don't stampede. */
export function reconnectDelay(attempt: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, 100 * 2 ** Math.min(attempt - 1, 16));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** QUIT when connected (lets pending replies arrive); a connection still trying to connect is dropped. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

export function createRedisConnection(
  config: Pick<Config, 'redis'>,
  logger: Logger,
  options: CreateRedisConnectionOptions = {},
): RedisClient {
  const connectionName = options.connectionName ?? 'user-sync';
  const log = logger.child({ component: 'redis', connection: connectionName });
  const maxDelay = options.maxReconnectDelayMs ?? 5000;
  let lost = false;
  let wasReady = false;
  // One line when Redis goes away and one when it is back, not one per attempt (SPEC §6), nor one per
  // connection: BullMQ's duplicates of this connection share this strategy. A Redis that never answered
  // was not lost: the role says "waiting for Redis" instead (wait-for-redis.ts).
  // A reconnect of our own after READONLY is not a lost Redis: the error itself is reported (redis-health.ts).
  let reconnectingOnPurpose = false;
  const retryStrategy = (attempt: number) => {
    const delay = reconnectDelay(attempt, maxDelay);
    if (reconnectingOnPurpose && attempt === 1) {
      log.debug({ delayMs: delay }, 'reconnecting after READONLY');
      return delay;
    }
    if (wasReady && !lost && options.announceLoss !== false)
      log.warn({ delayMs: delay }, 'Redis connection lost, reconnecting');
    else log.debug({ attempt, delayMs: delay }, 'Redis still unreachable, reconnecting');
    lost = wasReady;
    return delay;
  };
  const redis = openClient(config.redis, {
    connectionName,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: options.lazyConnect ?? false,
    lookup: options.lookup ?? subprocessLookup,
    retryStrategy,
    reconnectOnError: reconnectOnReadOnly(() => (reconnectingOnPurpose = true)),
  });
  redis.on('ready', () => {
    reconnectingOnPurpose = false;
    if (lost) log.info('Redis connection back');
    else log.debug('Redis ready');
    lost = false;
    wasReady = true;
  });
  // Without a listener ioredis prints every failed attempt itself; what a role reports of them is decided
  // by its health tracker (redis-health.ts), which listens too.
  redis.on('error', (error: Error) => log.debug({ err: error }, 'Redis connection error'));
  return redis;
}

/** A node that keeps answering READONLY is not reconnected to more often than this. */
export const READONLY_RECONNECT_EVERY_MS = 5000;

/**
 * Reconnects when a write answers READONLY: the address may lead to the new primary now (a managed
 * endpoint, a sentinel asked again). At most once per READONLY_RECONNECT_EVERY_MS: a node that stays a
 * replica would otherwise be dropped and dialled again for every refused write.
 */
function reconnectOnReadOnly(
  onReconnect: () => void,
  now: () => number = Date.now,
): (error: Error) => boolean {
  let last = -Infinity;
  return error => {
    if (!error.message.startsWith('READONLY') || now() - last < READONLY_RECONNECT_EVERY_MS) return false;
    last = now();
    onReconnect();
    return true;
  };
}

interface ClientOptions {
  connectionName: string;
  maxRetriesPerRequest: null;
  enableReadyCheck: boolean;
  lazyConnect: boolean;
  lookup: LookupFunction;
  retryStrategy: (attempt: number) => number;
  reconnectOnError: (error: Error) => boolean;
}

function openClient(redis: RedisConfig, options: ClientOptions): RedisClient {
  const tls = redisTlsOptions(redis);
  const { lookup, retryStrategy, reconnectOnError, ...common } = options;
  const credentials = {
    ...(redis.username === undefined ? {} : { username: redis.username }),
    ...(redis.password === undefined ? {} : { password: redis.password }),
  };
  const { topology } = redis;
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, {
        ...common,
        retryStrategy,
        ...(tls === undefined ? {} : { tls }),
        Connector: connectorWithLookup(lookup),
        // After a failover the old primary answers READONLY; reconnecting reaches the new one.
        reconnectOnError,
      });
    case 'sentinel':
      return new Redis({
        ...common,
        ...credentials,
        retryStrategy,
        sentinels: topology.sentinels,
        name: topology.masterName,
        // Sentinels usually share the data nodes' credentials and TLS; a deployment that differs can
        // put them in front with its own proxy.
        ...(redis.password === undefined ? {} : { sentinelPassword: redis.password }),
        ...(redis.username === undefined ? {} : { sentinelUsername: redis.username }),
        ...(tls === undefined ? {} : { tls, sentinelTLS: tls, enableTLSForSentinelMode: true }),
        Connector: sniSentinelConnector(),
        // A demoted master answers READONLY until its clients move: reconnecting asks the sentinels again.
        // (ioredis's `failoverDetector` would notice sooner, but its subscriptions to the sentinels outlive
        // `quit()` and keep a one-shot command from exiting.)
        reconnectOnError,
      });
    case 'cluster': {
      const clusterOptions: ClusterOptions = {
        enableReadyCheck: options.enableReadyCheck,
        lazyConnect: options.lazyConnect,
        clusterRetryStrategy: retryStrategy,
        // Node names are dialled as given, so TLS sees the host name (for SNI and the certificate);
        // our connector looks them up (see subprocess-lookup.ts).
        dnsLookup: (address, callback) => callback(null, address),
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        retryDelayOnTryAgain: 200,
        slotsRefreshTimeout: 2000,
        redisOptions: {
          ...common,
          ...credentials,
          ...(tls === undefined ? {} : { tls }),
          Connector: connectorWithLookup(lookup),
          reconnectOnError,
        },
      };
      return new Cluster(topology.nodes, clusterOptions);
    }
  }
}
