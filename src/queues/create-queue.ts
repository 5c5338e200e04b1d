/**
 * Builds the BullMQ queue for one of SPEC §5's names. `QUEUE_PREFIX` is BullMQ's `prefix` (the Redis key
 * prefix), never part of the name, so keys are `<QUEUE_PREFIX>:<queue>:*` as the spec promises.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import type { Config } from '../config/config-types';
import type { Logger } from '../logging/create-logger';
import { QueueNames, type QueueName } from './queue-names';
import { deadLetterJobOptions, defaultJobOptions } from './default-job-options';
import type { RedisHealth } from '../redis/redis-health';

export interface CreateQueueDeps {
  config: Pick<Config, 'queuePrefix' | 'jobAttempts' | 'jobBackoffMs' | 'retention'>;
  /**
   * A shared ioredis connection (from `createRedisConnection`) or connection options. A shared connection
   * stays open when the queue closes: whoever created it closes it.
   */
  connection: ConnectionOptions;
  /**
   * Connection errors of the queue go here. Pass one: without a listener BullMQ prints them to the console.
   */
  logger?: Logger;
  /** Told of Redis errors, which it logs once per error per 30 s; without it each is a line. */
  redisHealth?: RedisHealth;
}

export function createQueue<DataType = unknown>(name: QueueName, deps: CreateQueueDeps): Queue<DataType> {
  const queue = new Queue<DataType>(name, {
    connection: deps.connection,
    prefix: deps.config.queuePrefix,
    streams: { events: { maxLen: deps.config.retention.events } },
    defaultJobOptions:
      name === QueueNames.deadLetter ? deadLetterJobOptions() : defaultJobOptions(deps.config),
  });
  const log = deps.logger?.child({ queue: name });
  // Redis outages surface here while ioredis reconnects; they are expected, so warn rather than crash.
  if (log)
    queue.on('error', (error: Error) => {
      if (deps.redisHealth?.report(error, `queue ${name}`)) return;
      log.warn({ err: error }, 'queue connection error');
    });
  return queue;
}
