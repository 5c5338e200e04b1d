/**
 * Adds the jobs of one change-stream batch: the events' routed jobs grouped per queue and subject kind
 * into one job of many users, orders or accounts (SPEC §2), all queues' adds sent at once, so a batch costs one Redis round trip, not three
 * per event. If the process dies before they all land, the checkpoint has not moved: the events are
 * delivered again, and level-triggered jobs make a second add harmless (the same grouping gives the
 * same job ids, which BullMQ adds once).
 *
 * Coalescing: a job for a single subject keeps `keepLastIfActive` deduplication per (job type, subject),
 * so a user changed again and again at a low rate has one job waiting, however many changes arrive; a
 * change that arrives while that job runs becomes one new job after it, since the running job may have
 * read the user before the change. Changes of one user within one batch are one entry of the batch.
 */
import type { QueueProvider } from '../worker/run-sync-job';
import type { SyncQueueName } from '../queues/queue-names';
import { USERS_PER_JOB } from '../sync/job-data';
import { SubjectKinds, type RoutedJob, type SubjectKind } from './route-change';

export interface BatchJob {
  queue: SyncQueueName;
  /** `{userIds}`, `{orderIds}` or `{accountIds}` (SPEC §2b), with the cause. */
  data: Partial<Record<(typeof SubjectKinds)[SubjectKind], string[]>> & {
    cause: { operationType: string; clusterTime: string; events: number };
  };
  jobId: string;
  /** Set when the job carries one subject: see the coalescing note above. */
  deduplicationId?: string;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}

/** One job per queue and subject kind, of up to USERS_PER_JOB subjects; a subject changed twice is one entry. */
export function groupRoutedJobs(routed: readonly RoutedJob[]): BatchJob[] {
  const batches: BatchJob[] = [];
  for (const jobs of groupBy(routed, job => `${job.queue} ${job.kind}`).values()) {
    const subjects = [...new Map(jobs.map(job => [job.subjectId, job])).values()];
    for (let start = 0; start < subjects.length; start += USERS_PER_JOB) {
      const part = subjects.slice(start, start + USERS_PER_JOB);
      batches.push(part.length === 1 ? single(part[0]) : batchOf(part, jobs.length));
    }
  }
  return batches;
}

function single(job: RoutedJob): BatchJob {
  return {
    queue: job.queue,
    data: { [SubjectKinds[job.kind]]: [job.subjectId], cause: { ...job.cause, events: 1 } },
    jobId: job.jobId,
    deduplicationId: job.deduplicationId,
  };
}

function batchOf(part: RoutedJob[], events: number): BatchJob {
  const { queue, kind } = part[0];
  const first = part[0].cause.clusterTime.replace('.', '-');
  const last = part[part.length - 1].cause.clusterTime.replace('.', '-');
  return {
    queue,
    data: {
      [SubjectKinds[kind]]: part.map(job => job.subjectId),
      cause: {
        operationType: 'change batch',
        clusterTime: `${part[0].cause.clusterTime}..${part[part.length - 1].cause.clusterTime}`,
        events,
      },
    },
    // Deterministic for the same events: a redelivered batch adds nothing new.
    jobId: `${queue}-${kind === 'user' ? '' : `${kind}-`}batch-${first}-${last}-${part.length}`,
  };
}

export async function enqueueBatchJobs(queues: QueueProvider, batches: readonly BatchJob[]): Promise<void> {
  // Issued together, the adds share one round trip's wait instead of queueing one behind another.
  await Promise.all(
    [...groupBy(batches, batch => batch.queue)].map(([queue, jobs]) =>
      queues.get(queue as SyncQueueName).addBulk(
        jobs.map(job => ({
          name: queue as SyncQueueName,
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
