/**
 * Runs one job: builds its context (logger child, progress, follow-up enqueue) and, when the failure is
 * final, copies the job to dead-letter *before* BullMQ marks it failed, so a worker crash in between
 * cannot lose the entry (its id is deterministic, so a second report adds nothing).
 */
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueName, WorkerQueueName } from '../queues/queue-names';
import { QueueNames } from '../queues/queue-names';
import type { SyncCollections, SyncJobContext } from '../sync/sync-job-context';
import {
  deadLetterJobId,
  isFinalFailure,
  toDeadLetterEntry,
  type DeadLetterSource,
} from '../dead-letter/dead-letter-entry';
import { isTransientMongoError } from '../errors/transient-mongo-error';
import { isTransientRedisError } from '../errors/redis-error';
import type { RedisHealth } from '../redis/redis-health';
import { reconnectDelay } from '../redis/create-redis-connection';
import type { SyncProcessor } from './processors';

/** Longest wait between two runs of a job that met a transient MongoDB failure. */
export const TRANSIENT_RETRY_MAX_DELAY_MS = 10_000;

export interface QueueProvider {
  get(name: QueueName): Queue;
}

export interface SyncJobDeps {
  collections: SyncCollections;
  queues: QueueProvider;
  logger: Logger;
  /** Told of the Redis errors jobs meet; without it they are only logged. */
  redisHealth?: Pick<RedisHealth, 'report' | 'writesWork'>;
}

export async function runSyncJob(
  queue: WorkerQueueName,
  processor: SyncProcessor,
  job: Job,
  deps: SyncJobDeps,
  /** The worker's lock on the job; without it a transient failure counts as an attempt. */
  token?: string,
): Promise<unknown> {
  const jobId = String(job.id);
  const logger = deps.logger.child({ queue, jobId });
  const ctx: SyncJobContext = {
    collections: deps.collections,
    jobId,
    logger,
    reportProgress: percent => job.updateProgress(percent),
    enqueue: async (target, jobs) => {
      await deps.queues.get(target).addBulk(
        jobs.map(({ data, jobId: id }) => ({
          name: target,
          data,
          opts: id === undefined ? {} : { jobId: id },
        })),
      );
    },
    rejectSubject: async (subject, data, error) => {
      // A job of this one subject fails as itself, with its own id, exactly as before batches existed.
      if (isOnlySubject(job.data, subject)) throw error;
      const subjectJob = { id: subjectJobId(jobId, subject), name: job.name, data, opts: job.opts };
      await sendToDeadLetter(deps, queue, subjectJob, error, job.attemptsMade + 1);
      logger.error(
        { err: error, subject },
        'one subject of the batch failed for good; copied to dead-letter',
      );
    },
  };
  try {
    const result = await processor(job.data, ctx);
    logger.debug({ result }, 'job completed');
    return result;
  } catch (error) {
    const redisError = isTransientRedisError(error);
    if (token !== undefined && (redisError || isTransientMongoError(error))) {
      if (redisError) deps.redisHealth?.report(error, `job ${queue}`);
      await retryWithoutAttempt(job, token, error, redisError ? 'Redis' : 'MongoDB', logger, deps);
      throw new DelayedError();
    }
    const attemptsMade = job.attemptsMade + 1;
    if (isFinalFailure(job, error, attemptsMade)) {
      await sendToDeadLetter(deps, queue, job, error, attemptsMade);
      logger.error({ err: error, attemptsMade }, 'job failed for good; copied to dead-letter');
    } else {
      logger.warn({ err: error, attemptsMade }, 'job failed; will retry');
    }
    throw error;
  }
}

/**
 * SPEC §6: a transient MongoDB or Redis failure (step-down, dropped connection, hung server; a full Redis,
 * a failover, a moving slot) never exhausts the job's attempts, so no outage is long enough to send it to
 * dead-letter; it runs again after a capped backoff. One warning per job, at its first such failure, so a
 * long outage is not a line per retry (Redis's own errors are logged once per 30 s by RedisHealth).
 */
async function retryWithoutAttempt(
  job: Job,
  token: string,
  error: unknown,
  server: 'MongoDB' | 'Redis',
  logger: Logger,
  deps: SyncJobDeps,
): Promise<void> {
  const transientRuns = Math.max(1, job.attemptsStarted - job.attemptsMade);
  const delayMs = reconnectDelay(transientRuns, TRANSIENT_RETRY_MAX_DELAY_MS);
  if (transientRuns === 1 && server === 'MongoDB')
    logger.warn({ err: error, delayMs }, 'MongoDB failed transiently; job will run again once it answers');
  else logger.debug({ err: error, delayMs, transientRuns }, `${server} failing; job delayed again`);
  // A full Redis refuses the move itself: wait until it takes it. A lost lock ends the wait: the job is
  // then handed out again by the stalled-job check, without an attempt spent.
  await untilRedisTakesIt(() => job.moveToDelayed(Date.now() + delayMs, token), deps.redisHealth).catch(
    (failure: unknown) =>
      logger.debug({ err: failure }, 'job not delayed; the stalled-job check requeues it'),
  );
}

/** Runs a Redis write again, with capped backoff, for as long as Redis refuses it transiently. */
async function untilRedisTakesIt<T>(write: () => Promise<T>, health: SyncJobDeps['redisHealth']): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isTransientRedisError(error)) throw error;
      health?.report(error, 'worker');
      await new Promise(resolve =>
        setTimeout(resolve, reconnectDelay(attempt, TRANSIENT_RETRY_MAX_DELAY_MS)),
      );
    }
  }
}

function isOnlySubject(data: unknown, subject: string): boolean {
  const { userId, userIds, orderIds } = (data ?? {}) as Record<string, unknown>;
  const only = (ids: unknown) => Array.isArray(ids) && ids.length === 1 && ids[0] === subject;
  return userId === subject || only(userIds) || only(orderIds);
}

/** A batch subject's own job id; ':' is reserved by BullMQ in custom ids. */
export function subjectJobId(batchJobId: string, subject: string): string {
  return `${batchJobId}-${subject}`.replaceAll(':', '-');
}

/**
 * Copies a job that failed for good to dead-letter. A Redis that refuses the copy for a while (full,
 * failing over) is waited out: a failure without its dead-letter entry is a change lost without a trace.
 */
export async function sendToDeadLetter(
  deps: Pick<SyncJobDeps, 'queues' | 'redisHealth'>,
  queue: string,
  job: DeadLetterSource,
  error: unknown,
  attemptsMade: number,
): Promise<void> {
  const entry = toDeadLetterEntry(job, queue, error, attemptsMade);
  await untilRedisTakesIt(
    () =>
      deps.queues.get(QueueNames.deadLetter).add(job.name, entry, {
        jobId: deadLetterJobId(queue, String(job.id)),
        attempts: 1,
      }),
    deps.redisHealth,
  );
}
