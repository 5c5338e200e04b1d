/**
 * The worker role: one BullMQ Worker per sync queue it serves, all sharing the process's MongoDB pool.
 * Stateless: any number of these run on any number of machines; BullMQ's locks hand each job to one.
 */
import type { ConnectionOptions, Job, Worker } from 'bullmq';
import { RepeatingErrorLog } from '../logging/repeating-error-log';
import { SyncWorker } from './sync-worker';
import type { Config } from '../config/config-types';
import type { WorkerQueueName } from '../queues/queue-names';
import { isUnrecoverable } from '../dead-letter/dead-letter-entry';
import { processors } from './processors';
import { runSyncJob, sendToDeadLetter, type SyncJobDeps } from './run-sync-job';

export interface SyncWorkerPoolOptions extends SyncJobDeps {
  config: Pick<Config, 'queuePrefix' | 'workerConcurrency'>;
  connection: ConnectionOptions;
  queues: SyncJobDeps['queues'];
  /** Which queues this process serves. */
  queueNames: readonly WorkerQueueName[];
}

export class SyncWorkerPool {
  readonly workers: Worker[];
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SyncWorkerPoolOptions) {
    this.workers = options.queueNames.map(queue => this.createWorker(queue));
  }

  /** Resolves once every worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map(worker => worker.waitUntilReady()));
  }

  /** Stops taking jobs and waits for active ones to finish; idempotent. `force` abandons active jobs. */
  close(force = false): Promise<void> {
    this.closing ??= Promise.allSettled(this.workers.map(worker => worker.close(force))).then(results => {
      const failures = results.flatMap(result =>
        result.status === 'rejected' ? [result.reason as unknown] : [],
      );
      if (failures.length > 0)
        throw new AggregateError(failures, `${failures.length} worker(s) failed to close`);
    });
    return this.closing;
  }

  private createWorker(queue: WorkerQueueName): Worker {
    const { config, connection, logger } = this.options;
    const log = logger.child({ component: 'worker', queue });
    const worker = new SyncWorker(
      queue,
      (job, token) => runSyncJob(queue, processors[queue], job, { ...this.options, logger: log }, token),
      {
        connection,
        prefix: config.queuePrefix,
        concurrency: config.workerConcurrency,
      },
    );
    // Backstop for failures the runner never saw (a job stalled too often is failed by BullMQ itself).
    // The entry id is deterministic, so a failure the runner already copied is not copied twice.
    worker.on('failed', (job: Job | undefined, error: Error) => {
      if (job === undefined) return;
      const final = isUnrecoverable(error) || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (!final) return;
      sendToDeadLetter(this.options, queue, job, error, job.attemptsMade).catch(failure =>
        log.error({ err: failure, jobId: job.id }, 'could not copy a failed job to dead-letter'),
      );
    });
    // A Redis that refuses every command makes BullMQ report each refusal here, thousands a second:
    // one line per distinct error per 30 s (SPEC §6), and the error itself on /readyz and /metrics.
    const repeating = new RepeatingErrorLog(log);
    const redisHealth = this.options.redisHealth;
    worker.setHooks({ onTransientRedisError: error => redisHealth?.report(error, `worker ${queue}`) });
    worker.on('completed', () => redisHealth?.writesWork());
    worker.on('error', error => {
      if (redisHealth?.report(error, `worker ${queue}`)) return;
      repeating.log('error', error.message, { err: error }, 'worker error');
    });
    return worker;
  }
}
