/**
 * Adds the jobs of one change. Per queue one addBulk; if the process dies between two of them, the
 * checkpoint has not moved, the event is delivered again, and the event-derived job ids make the re-add
 * of the jobs that did land a no-op, so the event's jobs end up added exactly once.
 *
 * Coalescing: `keepLastIfActive` deduplication per (job type, user). While such a job waits, a new change
 * adds nothing (the waiting job will read the newest user anyway); while it is active, the change is kept
 * and becomes one new job when the active one finishes, because the running job may already have read
 * the user before this change. It also means two jobs of one (type, user) never run at once.
 */
import type { QueueProvider } from '../worker/run-sync-job';
import type { SyncQueueName } from '../queues/queue-names';
import type { RoutedJob } from './route-change';

export async function enqueueRoutedJobs(queues: QueueProvider, jobs: RoutedJob[]): Promise<void> {
  const byQueue = new Map<SyncQueueName, RoutedJob[]>();
  for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
  for (const [queue, routed] of byQueue) {
    await queues.get(queue).addBulk(
      routed.map(job => ({
        name: queue,
        data: job.data,
        opts: { jobId: job.jobId, deduplication: { id: job.deduplicationId, keepLastIfActive: true } },
      })),
    );
  }
}
