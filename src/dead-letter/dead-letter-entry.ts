/** SPEC §5: the data of a dead-letter job, enough to understand the failure and to replay it. */
import { UnrecoverableError, type Job } from 'bullmq';

export interface DeadLetterEntry {
  queue: string;
  jobId: string;
  name: string;
  data: unknown;
  failedReason: string;
  stacktrace: string[];
  attemptsMade: number;
  failedAt: string;
}

/** BullMQ control-flow errors that move a job instead of failing it. */
const NOT_FAILURES = new Set(['DelayedError', 'WaitingChildrenError', 'WaitingError', 'RateLimitError']);

export function isControlFlowError(error: unknown): boolean {
  return error instanceof Error && NOT_FAILURES.has(error.name);
}

/** As BullMQ decides it: the class (subclasses included) or, across package copies, the name. */
export function isUnrecoverable(error: unknown): boolean {
  return (
    error instanceof UnrecoverableError || (error instanceof Error && error.name === 'UnrecoverableError')
  );
}

/** Whether this failure ends the job: no retry can fix it, or it was the last attempt. */
export function isFinalFailure(job: Job, error: unknown, attemptsMadeIncludingThis: number): boolean {
  if (isControlFlowError(error)) return false;
  return isUnrecoverable(error) || attemptsMadeIncludingThis >= (job.opts.attempts ?? 1);
}

export function toDeadLetterEntry(
  job: Job,
  queue: string,
  error: unknown,
  attemptsMade: number,
): DeadLetterEntry {
  const failure = error instanceof Error ? error : new Error(String(error));
  return {
    queue,
    jobId: String(job.id),
    name: job.name,
    data: job.data,
    failedReason: failure.message,
    stacktrace: failure.stack === undefined ? [] : [failure.stack],
    attemptsMade,
    failedAt: new Date().toISOString(),
  };
}

/** One entry per failed job, however often the failure is reported (processor and 'failed' event both do). */
export function deadLetterJobId(queue: string, jobId: string): string {
  return `${queue}__${jobId}`;
}
