/**
 * Reading the dead-letter queue. Its entries never run (nothing consumes dead-letter), so they sit in
 * `waiting`; the other states are read too, in case an operator moved one by hand in the dashboard.
 */
import type { Job, JobType, Queue } from 'bullmq';
import { deadLetterJobId, type DeadLetterEntry } from '../dead-letter/dead-letter-entry';
import { CONSUMED_QUEUES, isWorkerQueueName, type WorkerQueueName } from '../queues/queue-names';

const ENTRY_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'failed',
  'completed',
] as const satisfies readonly JobType[];
const PAGE_SIZE = 500;

export interface DeadLetterJob {
  job: Job<DeadLetterEntry>;
  entry: DeadLetterEntry;
  /** The entry's original queue, when it is one of the sync queues. */
  queue: WorkerQueueName | undefined;
}

/** Every entry, optionally only those from one queue; read in pages before anything changes them. */
export async function listDeadLetters(deadLetter: Queue, queue?: WorkerQueueName): Promise<DeadLetterJob[]> {
  const found = new Map<string, DeadLetterJob>();
  for (const state of ENTRY_STATES) {
    for (let start = 0; ; start += PAGE_SIZE) {
      const page = (await deadLetter.getJobs(
        state,
        start,
        start + PAGE_SIZE - 1,
        true,
      )) as Job<DeadLetterEntry>[];
      for (const job of page) {
        if (job?.id === undefined) continue;
        const entry = toDeadLetterJob(job);
        if (queue === undefined || entry.queue === queue) found.set(job.id, entry);
      }
      if (page.length < PAGE_SIZE) break;
    }
  }
  return [...found.values()];
}

/**
 * One entry by the id of the dead-letter job (`owner-sync__123`) or of the job that failed (`123`, with
 * `queue` narrowing which queue's job is meant when several queues have one by that id).
 */
export async function findDeadLetters(
  deadLetter: Queue,
  id: string,
  queue?: WorkerQueueName,
): Promise<DeadLetterJob[]> {
  const direct = (await deadLetter.getJob(id)) as Job<DeadLetterEntry> | undefined;
  if (direct !== undefined) {
    const entry = toDeadLetterJob(direct);
    return queue === undefined || entry.queue === queue ? [entry] : [];
  }
  const candidates = queue === undefined ? CONSUMED_QUEUES : [queue];
  const jobs = await Promise.all(candidates.map(name => deadLetter.getJob(deadLetterJobId(name, id))));
  return jobs.flatMap(job => (job === undefined ? [] : [toDeadLetterJob(job as Job<DeadLetterEntry>)]));
}

function toDeadLetterJob(job: Job<DeadLetterEntry>): DeadLetterJob {
  const entry = job.data;
  const queue = typeof entry?.queue === 'string' && isWorkerQueueName(entry.queue) ? entry.queue : undefined;
  return { job, entry, queue };
}
