/**
 * When the oldest dead-letter entry was parked: what expiry compares with RETAIN_DEAD_LETTER_DAYS and what
 * /metrics shows as its age. An entry's age is its job's `timestamp`, set when it was added to dead-letter.
 *
 * Entries sit in `wait` (nothing consumes the queue), pushed at the head, so the oldest is the list's tail
 * and one read finds it, however many there are. The other states hold an entry only if an operator moved
 * it there by hand in the dashboard; for them the first entry in BullMQ's own order of the state stands in.
 */
import type { JobType, Queue } from 'bullmq';

export const DEAD_LETTER_STATES = [
  'wait',
  'prioritized',
  'delayed',
  'completed',
  'failed',
] as const satisfies readonly JobType[];

export type DeadLetterReader = Pick<Queue, 'getJobs'>;

/** Epoch ms of the oldest entry; undefined when dead-letter is empty. */
export async function oldestDeadLetterAt(deadLetter: DeadLetterReader): Promise<number | undefined> {
  // Ascending, one per state: the tail of `wait` and the head of each sorted set.
  const firsts = await deadLetter.getJobs([...DEAD_LETTER_STATES], 0, 0, true);
  const timestamps = firsts.map(job => job.timestamp).filter(Number.isFinite);
  return timestamps.length === 0 ? undefined : Math.min(...timestamps);
}
