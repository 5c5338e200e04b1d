/** SPEC §5: the data of a dead-letter job, enough to understand the failure and to replay it. */
import { UnrecoverableError, type Job } from 'bullmq';
import { isNamed } from '../errors/error-shape';

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
  return [...NOT_FAILURES].some(name => isNamed(error, name));
}

/**
 * Exactly BullMQ's own rule (`Job.moveToFailed`): the class of the bullmq copy that runs our workers, so
 * subclasses such as InvalidUserError count, or the name, so an error of any other copy counts too.
 */
export function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableError || isNamed(error, 'UnrecoverableError');
}

/** Whether this failure ends the job: no retry can fix it, or it was the last attempt. */
export function isFinalFailure(job: Job, error: unknown, attemptsMadeIncludingThis: number): boolean {
  if (isControlFlowError(error)) return false;
  return isUnrecoverable(error) || attemptsMadeIncludingThis >= (job.opts.attempts ?? 1);
}

/** What an entry is made from: a job, or one subject of a batch job standing in for its own job. */
export type DeadLetterSource = Pick<Job, 'id' | 'name' | 'data'>;

export function toDeadLetterEntry(
  job: DeadLetterSource,
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
