import type { Queue } from 'bullmq';

/** BullMQ's addBulk is one round trip per call; batches keep each call's payload bounded. */
export const ADD_BULK_BATCH = 500;

export async function addInBulk(
  queue: Queue,
  name: string,
  jobs: Record<string, unknown>[],
): Promise<number> {
  for (let start = 0; start < jobs.length; start += ADD_BULK_BATCH) {
    await queue.addBulk(jobs.slice(start, start + ADD_BULK_BATCH).map(data => ({ name, data })));
  }
  return jobs.length;
}
