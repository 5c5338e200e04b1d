/**
 * Which drifted subjects still have sync work waiting or running: jobs carry the ids they are about
 * (`userId`, `userIds`, `orderIds`, ...: src/sync/job-data.ts), so a job naming a subject will set its
 * copies right when it runs. Only the ids asked about are kept, so memory follows the drift found, not
 * the queues; a queue holding more than `maxJobs` is read that far and the scan says it stopped short.
 */
import type { JobType, Queue } from 'bullmq';
import { SYNC_QUEUES, type SyncQueueName } from '../queues/queue-names';

/** States in which a job's work is still to come. */
export const IN_FLIGHT_STATES = [
  'active',
  'waiting',
  'prioritized',
  'delayed',
  'waiting-children',
] as const satisfies readonly JobType[];

export interface QueueScan {
  /** The asked-about ids some job still in flight names. */
  busy: Set<string>;
  jobsRead: number;
  jobsInFlight: number;
  /** More jobs were in flight than `maxJobs`: the rest were not read. */
  truncated: boolean;
}

export interface ScanOptions {
  /** @defaultValue 200000 */
  maxJobs?: number;
  /** @defaultValue 500 */
  pageSize?: number;
}

export async function scanQueuesForSubjects(
  queues: { get(name: SyncQueueName): Pick<Queue, 'getJobCounts' | 'getJobs'> },
  wanted: ReadonlySet<string>,
  { maxJobs = 200_000, pageSize = 500 }: ScanOptions = {},
): Promise<QueueScan> {
  const scan: QueueScan = { busy: new Set(), jobsRead: 0, jobsInFlight: 0, truncated: false };
  for (const name of SYNC_QUEUES) {
    const queue = queues.get(name);
    const counts = await queue.getJobCounts(...IN_FLIGHT_STATES);
    const longest = Math.max(0, ...Object.values(counts));
    scan.jobsInFlight += Object.values(counts).reduce((sum, count) => sum + count, 0);
    // BullMQ pages each state's list with the same range, so one range walks all of them together.
    for (let start = 0; start < longest; start += pageSize) {
      if (scan.jobsRead >= maxJobs) {
        scan.truncated = true;
        break;
      }
      const jobs = await queue.getJobs([...IN_FLIGHT_STATES], start, start + pageSize - 1, true);
      for (const job of jobs) {
        if (job === undefined || job === null) continue;
        scan.jobsRead += 1;
        for (const id of idsIn(job.data)) if (wanted.has(id)) scan.busy.add(id);
      }
    }
  }
  return scan;
}

/** Every id a job's data names at its top level: strings, and arrays of strings. */
function idsIn(data: unknown): string[] {
  if (data === null || typeof data !== 'object') return [];
  return Object.values(data as Record<string, unknown>).flatMap(value => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
    return [];
  });
}
