/**
 * How a verified delivery is queued: at once when Redis is connected, with a deadline, and refused at
 * once when it is not, so the provider hears 503 and retries instead of waiting on a connection that is
 * down (ioredis would otherwise hold the command until Redis is back).
 */
import type { Queue } from 'bullmq';
import type { IdentityJobData } from '../identity/identity-job';
import type { RedisClient } from '../redis/create-redis-connection';

/** Well inside Svix's 15 s request timeout. */
export const ENQUEUE_DEADLINE_MS = 5000;

export function identityEnqueuer(queue: Queue, redis: Pick<RedisClient, 'status'>) {
  return async (jobId: string, data: IdentityJobData): Promise<void> => {
    if (redis.status !== 'ready') throw new Error(`Redis is not connected (${redis.status})`);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not take the job within ${ENQUEUE_DEADLINE_MS} ms`)),
        ENQUEUE_DEADLINE_MS,
      );
    });
    try {
      await Promise.race([queue.add(data.type, data, { jobId }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
