/**
 * A dead-letter entry is a job that never failed itself: the failure it records is in its data (SPEC §5).
 * Bull Board's Error tab reads only the job's own `failedReason` and `stacktrace`, so without this an
 * operator sees "No errors recorded" on the one queue made of errors. The entry's copy is shown there
 * instead, through `toJSON` (what Bull Board formats jobs from), leaving the job in Redis untouched.
 */
import type { Job } from 'bullmq';

export function withEntryFailure<T extends Job>(job: T): T {
  const { failedReason, stacktrace } = (job.data ?? {}) as { failedReason?: unknown; stacktrace?: unknown };
  if (typeof failedReason !== 'string' && !Array.isArray(stacktrace)) return job;
  const own = job.toJSON.bind(job);
  job.toJSON = () => ({
    ...own(),
    failedReason: typeof failedReason === 'string' ? failedReason : job.failedReason,
    stacktrace: Array.isArray(stacktrace) ? stacktrace.filter(line => typeof line === 'string') : [],
  });
  return job;
}
