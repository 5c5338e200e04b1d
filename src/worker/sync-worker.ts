/**
 * BullMQ's Worker, riding out a misbehaving Redis (SPEC §6). When the processor has finished, BullMQ
 * moves the job to completed; if Redis refuses that write (a full Redis answering OOM, a failover's
 * READONLY, a moving slot's TRYAGAIN), BullMQ treats it as the job's own failure: it moves the job to
 * failed, spending an attempt, and under a long OOM the last attempt fails it for good. Here such a
 * refusal is waited out and the move tried again, with capped backoff, until Redis takes it, the lock is
 * gone (then the stalled-job check hands the job out again: it is level-triggered, so running it twice is
 * harmless) or the worker is closing.
 *
 * Fetching the next job is a write too (it takes the job's lock). BullMQ tries again at once when Redis
 * refuses it, so a full Redis made each worker spin, thousands of refusals a second; here each refusal
 * in a row waits a little longer, up to the same cap, before BullMQ tries again.
 */
import { Worker, type Job } from 'bullmq';
import { isTransientRedisError } from '../errors/redis-error';
import { reconnectDelay } from '../redis/create-redis-connection';

/** Longest wait between two tries of a refused move. */
export const MOVE_RETRY_MAX_DELAY_MS = 5000;

export interface SyncWorkerHooks {
  /** Told of each transient Redis error met while moving a job (for health and one log line per 30 s). */
  onTransientRedisError(error: unknown): void;
}

export class SyncWorker extends Worker {
  private hooks: SyncWorkerHooks | undefined;

  private refusedFetches = 0;

  setHooks(hooks: SyncWorkerHooks): this {
    this.hooks = hooks;
    return this;
  }

  protected override handleCompleted(
    result: unknown,
    job: Job,
    token: string,
    fetchNextCallback?: () => boolean,
    span?: Parameters<Worker['handleCompleted']>[4],
  ): ReturnType<Worker['handleCompleted']> {
    return this.untilRedisTakesIt(() => super.handleCompleted(result, job, token, fetchNextCallback, span));
  }

  protected override handleFailed(
    error: Error,
    job: Job,
    token: string,
    fetchNextCallback?: () => boolean,
    span?: Parameters<Worker['handleFailed']>[4],
  ): ReturnType<Worker['handleFailed']> {
    return this.untilRedisTakesIt(() => super.handleFailed(error, job, token, fetchNextCallback, span));
  }

  protected override async moveToActive(token: string, name?: string): ReturnType<Worker['moveToActive']> {
    try {
      const job = await super.moveToActive(token, name);
      this.refusedFetches = 0;
      return job;
    } catch (error) {
      if (!isTransientRedisError(error) || this.closing) throw error;
      this.refusedFetches += 1;
      this.hooks?.onTransientRedisError(error);
      await delay(reconnectDelay(this.refusedFetches, MOVE_RETRY_MAX_DELAY_MS));
      throw error;
    }
  }

  private async untilRedisTakesIt<T>(move: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await move();
      } catch (error) {
        if (!isTransientRedisError(error) || this.closing) throw error;
        this.hooks?.onTransientRedisError(error);
        await delay(reconnectDelay(attempt, MOVE_RETRY_MAX_DELAY_MS));
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
