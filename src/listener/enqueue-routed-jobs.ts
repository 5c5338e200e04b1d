/**
 * Adds the jobs of one change-stream batch: the events' routed jobs grouped per queue into one job of
 * many users (SPEC §2), all queues' adds sent at once, so a batch costs one Redis round trip, not three
 * per event. If the process dies before they all land, the checkpoint has not moved: the events are
 * delivered again, and level-triggered jobs make a second add harmless (the same grouping gives the
 * same job ids, which BullMQ adds once).
 *
 * Coalescing: a job for a single user keeps `keepLastIfActive` deduplication per (job type, user), so a
 * user changed again and again at a low rate has one job waiting, however many changes arrive; a
 * change that arrives while that job runs becomes one new job after it, since the running job may have
 * read the user before the change. Changes of one user within one batch are one entry of the batch.
 */
import type { QueueProvider } from '../worker/run-sync-job';
import type { SyncQueueName } from '../queues/queue-names';
import { USERS_PER_JOB } from '../sync/job-data';
import type { RoutedJob } from './route-change';

export interface BatchJob {
  queue: SyncQueueName;
  data: { userIds: string[]; cause: { operationType: string; clusterTime: string; events: number } };
  jobId: string;
  /** Set when the job carries one user: see the coalescing note above. */
  deduplicationId?: string;
}

function byQueue<T extends { queue: SyncQueueName }>(items: readonly T[]): Map<SyncQueueName, T[]> {
  const groups = new Map<SyncQueueName, T[]>();
  for (const item of items) {
    const group = groups.get(item.queue);
    if (group === undefined) groups.set(item.queue, [item]);
    else group.push(item);
  }
  return groups;
}

export function groupRoutedJobs(routed: readonly RoutedJob[]): BatchJob[] {
  const batches: BatchJob[] = [];
  for (const [queue, jobs] of byQueue(routed)) {
    const users = [...new Map(jobs.map(job => [job.data.userId, job])).values()];
    for (let start = 0; start < users.length; start += USERS_PER_JOB) {
      const part = users.slice(start, start + USERS_PER_JOB);
      batches.push(part.length === 1 ? single(part[0]) : batchOf(queue, part, jobs.length));
    }
  }
  return batches;
}

function single(job: RoutedJob): BatchJob {
  return {
    queue: job.queue,
    data: { userIds: [job.data.userId], cause: { ...job.data.cause, events: 1 } },
    jobId: job.jobId,
    deduplicationId: job.deduplicationId,
  };
}

function batchOf(queue: SyncQueueName, part: RoutedJob[], events: number): BatchJob {
  const first = part[0].data.cause.clusterTime;
  const last = part[part.length - 1].data.cause.clusterTime;
  return {
    queue,
    data: {
      userIds: part.map(job => job.data.userId),
      cause: { operationType: 'change batch', clusterTime: `${first}..${last}`, events },
    },
    // Deterministic for the same events: a redelivered batch adds nothing new.
    jobId: `${queue}-batch-${first.replace('.', '-')}-${last.replace('.', '-')}-${part.length}`,
  };
}

export async function enqueueBatchJobs(queues: QueueProvider, batches: readonly BatchJob[]): Promise<void> {
  // Issued together, the adds share one round trip's wait instead of queueing one behind another.
  await Promise.all(
    [...byQueue(batches)].map(([queue, jobs]) =>
      queues.get(queue).addBulk(
        jobs.map(job => ({
          name: queue,
          data: job.data,
          opts: {
            jobId: job.jobId,
            ...(job.deduplicationId === undefined
              ? {}
              : { deduplication: { id: job.deduplicationId, keepLastIfActive: true } }),
          },
        })),
      ),
    ),
  );
}
