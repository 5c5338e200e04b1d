/**
 * SPEC §4: dead-letter entries expire by age, so a queue nobody replays cannot grow Redis for ever. Long
 * running roles remove the entries older than RETAIN_DEAD_LETTER_DAYS once at start and then every ten
 * minutes; expiry is a day-scale bound, so that is precise enough and costs Redis nothing measurable.
 *
 * BullMQ's `clean(grace, limit, state)` removes them: atomic per call, so several replicas may run it at
 * once, and bounded, so one call never holds Redis for long. With a limit it reads the oldest end of the
 * state (the tail of `wait`, see oldest-dead-letter.ts), so batches repeat until one comes back short.
 */
import type { Queue } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import type { RedisHealth } from '../redis/redis-health';
import { DEAD_LETTER_STATES, oldestDeadLetterAt } from './oldest-dead-letter';

export const DAY_MS = 24 * 3600 * 1000;

/** @defaultValue of `everyMs` */
export const EXPIRY_INTERVAL_MS = 10 * 60 * 1000;

/** Entries one `clean` call may remove: a few milliseconds of Redis time. */
const BATCH = 1000;

/** Per state and run; what is left waits for the next run, so a huge backlog never makes one long run. */
const MAX_BATCHES = 100;

export type ExpirableDeadLetter = Pick<Queue, 'clean' | 'getJobs'>;

/** Removes the entries older than `maxAgeMs`; returns how many. */
export async function expireDeadLetters(deadLetter: ExpirableDeadLetter, maxAgeMs: number): Promise<number> {
  // Every clean call also appends an event to the queue's stream: none at all when nothing is due.
  const oldest = await oldestDeadLetterAt(deadLetter);
  if (oldest === undefined || Date.now() - oldest < maxAgeMs) return 0;
  let removed = 0;
  for (const state of DEAD_LETTER_STATES) {
    for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
      const ids = await deadLetter.clean(maxAgeMs, BATCH, state);
      removed += ids.length;
      if (ids.length < BATCH) break;
    }
  }
  return removed;
}

export interface DeadLetterExpiryOptions {
  deadLetter: ExpirableDeadLetter;
  /** RETAIN_DEAD_LETTER_DAYS. */
  maxAgeDays: number;
  logger: Logger;
  /** Told of a Redis error a run meets (OOM, READONLY...), as every Redis user of the process tells it. */
  redisHealth?: Pick<RedisHealth, 'report'>;
  /** Between the end of one run and the start of the next. @defaultValue 10 minutes */
  everyMs?: number;
}

export interface DeadLetterExpiry {
  /** No run starts after it; resolves once a run under way has ended. Idempotent. */
  stop(): Promise<void>;
}

/** Runs `expireDeadLetters` now and every `everyMs`; the timer never keeps the process alive. */
export function startDeadLetterExpiry(options: DeadLetterExpiryOptions): DeadLetterExpiry {
  const everyMs = options.everyMs ?? EXPIRY_INTERVAL_MS;
  const log = options.logger.child({ component: 'dead-letter-expiry' });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;

  const run = async () => {
    try {
      const removed = await expireDeadLetters(options.deadLetter, options.maxAgeDays * DAY_MS);
      if (removed > 0)
        log.info(
          { removed, maxAgeDays: options.maxAgeDays },
          'expired dead-letter entries (RETAIN_DEAD_LETTER_DAYS)',
        );
    } catch (error) {
      // Redis refusing or the queue closing under a stop: the next run tries again; nothing is lost by waiting.
      if (stopped || options.redisHealth?.report(error, 'dead-letter expiry')) return;
      log.warn({ err: error }, 'could not expire dead-letter entries; will try again');
    }
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => schedule(everyMs));
    }, delayMs);
    timer.unref();
  };
  schedule(0);

  return {
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
      })();
      return stopping;
    },
  };
}
