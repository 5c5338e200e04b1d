/**
 * Queue depth per queue and state, and the dead-letter size and oldest entry's age, read from Redis when
 * Prometheus scrapes, so every process reports the same numbers and none keeps a count that could drift.
 * A scrape while Redis is away must not hang: counts that do not arrive in time are left out of that
 * scrape (absent beats stale), and the failure is logged.
 */
import { Gauge, type Registry } from 'prom-client';
import type { JobType, Queue } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import { oldestDeadLetterAt } from '../dead-letter/oldest-dead-letter';
import { withTimeout } from '../http/with-timeout';
import { ALL_QUEUES, QueueNames, type QueueName } from '../queues/queue-names';
import { MetricNames } from './metric-names';

export const COUNTED_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const satisfies readonly JobType[];

export interface QueueSource {
  get(name: QueueName): Pick<Queue, 'getJobCounts' | 'getJobs'>;
}

export interface InstrumentQueuesOptions {
  queues: QueueSource;
  registry: Registry;
  logger: Logger;
  /** @defaultValue every queue, dead-letter included */
  queueNames?: readonly QueueName[];
  /** How long one scrape waits for Redis. @defaultValue 2000 */
  timeoutMs?: number;
}

export function instrumentQueues(options: InstrumentQueuesOptions): void {
  const queueNames = options.queueNames ?? ALL_QUEUES;
  const timeoutMs = options.timeoutMs ?? 2000;
  const log = options.logger.child({ component: 'metrics' });

  const countsOf = async (name: QueueName): Promise<Record<string, number> | undefined> => {
    try {
      return await withTimeout(
        options.queues.get(name).getJobCounts(...COUNTED_STATES),
        timeoutMs,
        `job counts of ${name}`,
      );
    } catch (error) {
      log.warn({ err: error, queue: name }, 'could not read queue depth for /metrics');
      return undefined;
    }
  };

  new Gauge({
    name: MetricNames.queueJobs,
    help: 'Jobs per queue and state, read from Redis at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers: [options.registry],
    async collect() {
      const counts = await Promise.all(queueNames.map(async name => [name, await countsOf(name)] as const));
      this.reset();
      for (const [queue, byState] of counts) {
        if (byState === undefined) continue;
        for (const state of COUNTED_STATES) this.set({ queue, state }, byState[state] ?? 0);
      }
    },
  });

  if (queueNames.includes(QueueNames.deadLetter)) {
    new Gauge({
      name: MetricNames.deadLetterJobs,
      help: 'Entries in the dead-letter queue, waiting for `replay`.',
      registers: [options.registry],
      async collect() {
        const counts = await countsOf(QueueNames.deadLetter);
        this.reset();
        if (counts !== undefined) this.set(Object.values(counts).reduce((sum, value) => sum + value, 0));
      },
    });

    new Gauge({
      name: MetricNames.deadLetterOldestAge,
      help: 'Age of the oldest dead-letter entry in seconds (0: none); entries expire past RETAIN_DEAD_LETTER_DAYS.',
      registers: [options.registry],
      async collect() {
        this.reset();
        try {
          const oldest = await withTimeout(
            oldestDeadLetterAt(options.queues.get(QueueNames.deadLetter)),
            timeoutMs,
            'oldest dead-letter entry',
          );
          this.set(oldest === undefined ? 0 : Math.max(0, Date.now() - oldest) / 1000);
        } catch (error) {
          log.warn({ err: error }, 'could not read the oldest dead-letter entry for /metrics');
        }
      },
    });
  }
}
