/**
 * Job options every sync queue starts from. Retries back off exponentially with jitter, so jobs that failed
 * together (MongoDB stepped down, say) do not all retry in the same instant.
 */
import type { DefaultJobOptions } from 'bullmq';
import type { Config } from '../config/config-types';

/** Completed jobs kept for the dashboard: an hour, at most 1000 per queue. */
export const KEEP_COMPLETED = { age: 3600, count: 1000 } as const;
/** Failed jobs kept for `retry` and inspection: a week, at most 10000 per queue. */
export const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10_000 } as const;
/** Share of each backoff delay that is randomized (BullMQ's `jitter`, 0..1). */
export const BACKOFF_JITTER = 0.5;

export function defaultJobOptions(config: Pick<Config, 'jobAttempts' | 'jobBackoffMs'>): DefaultJobOptions {
  return {
    attempts: config.jobAttempts,
    backoff: { type: 'exponential', delay: config.jobBackoffMs, jitter: BACKOFF_JITTER },
    removeOnComplete: { ...KEEP_COMPLETED },
    removeOnFail: { ...KEEP_FAILED },
  };
}

/**
 * Dead-letter entries are evidence: one attempt (nothing processes them) and never removed automatically;
 * `replay` moves them back, an operator deletes them.
 */
export function deadLetterJobOptions(): DefaultJobOptions {
  return { attempts: 1, removeOnComplete: false, removeOnFail: false };
}
