/**
 * Job options every sync queue starts from. Retries back off exponentially with jitter, so jobs that failed
 * together (MongoDB stepped down, say) do not all retry in the same instant. What a queue keeps of its
 * finished jobs is bounded by age and count (RETAIN_*), so Redis memory is bounded in bytes.
 */
import type { DefaultJobOptions } from 'bullmq';
import type { Config } from '../config/config-types';

/** Share of each backoff delay that is randomized (BullMQ's `jitter`, 0..1). */
export const BACKOFF_JITTER = 0.5;

export function defaultJobOptions(
  config: Pick<Config, 'jobAttempts' | 'jobBackoffMs' | 'retention'>,
): DefaultJobOptions {
  const { retention } = config;
  return {
    attempts: config.jobAttempts,
    backoff: { type: 'exponential', delay: config.jobBackoffMs, jitter: BACKOFF_JITTER },
    removeOnComplete: { age: retention.completedSeconds, count: retention.completedJobs },
    removeOnFail: { age: retention.failedSeconds, count: retention.failedJobs },
  };
}

/**
 * Dead-letter entries are evidence: one attempt (nothing processes them), kept until `replay` moves them
 * back, an operator deletes them, or they pass RETAIN_DEAD_LETTER_DAYS (expire-dead-letters.ts).
 */
export function deadLetterJobOptions(): DefaultJobOptions {
  return { attempts: 1, removeOnComplete: false, removeOnFail: false };
}
