/**
 * `retry`: moves failed jobs of the sync queues back to waiting, in place (same id, same data), with
 * their attempt counters reset so they get every retry again. A job's copy in dead-letter is removed as
 * it is retried: the failure it records is being dealt with, and should the job fail for good again, its
 * new failure lands in dead-letter afresh (the copy's id is derived from the job's, so a stale copy would
 * hide it).
 *
 * Safe to repeat: a retried job is no longer failed, so a second run finds nothing to do. A job that
 * stopped being failed between listing and retrying (another operator, the dashboard) is skipped.
 */
import type { Job, Queue } from 'bullmq';
import { deadLetterJobId } from '../dead-letter/dead-letter-entry';
import { QueueNames, CONSUMED_QUEUES, type QueueName, type WorkerQueueName } from '../queues/queue-names';

const PAGE_SIZE = 500;

export interface RetriedJob {
  queue: WorkerQueueName;
  jobId: string;
}

export interface RetryReport {
  retried: RetriedJob[];
  skipped: (RetriedJob & { reason: string })[];
}

export interface RetryDeps {
  queues: { get(name: QueueName): Queue };
}

export async function retryFailed(
  selection: { queue?: WorkerQueueName },
  deps: RetryDeps,
): Promise<RetryReport> {
  const report: RetryReport = { retried: [], skipped: [] };
  const deadLetter = deps.queues.get(QueueNames.deadLetter);
  for (const queue of selection.queue === undefined ? CONSUMED_QUEUES : [selection.queue]) {
    for (const job of await listFailed(deps.queues.get(queue))) {
      const jobId = String(job.id);
      try {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      } catch (error) {
        report.skipped.push({ queue, jobId, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      await deadLetter.remove(deadLetterJobId(queue, jobId));
      report.retried.push({ queue, jobId });
    }
  }
  return report;
}

/** The failed jobs as they are now, read in full before any is retried (retrying shrinks the set). */
async function listFailed(queue: Queue): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let start = 0; ; start += PAGE_SIZE) {
    const page = await queue.getFailed(start, start + PAGE_SIZE - 1);
    jobs.push(...page.filter((job): job is Job => job?.id !== undefined));
    if (page.length < PAGE_SIZE) return jobs;
  }
}
