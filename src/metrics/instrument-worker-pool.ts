/**
 * Feeds the job series from BullMQ worker events, so the worker pool itself needs no metrics code: pass
 * the pool's `workers` (one per queue it serves). Returns a function that detaches the listeners.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Job, Worker } from 'bullmq';
import { isUnrecoverable } from '../dead-letter/dead-letter-entry';
import { changeFanOut } from './change-fan-out';
import { MetricNames } from './metric-names';

/** 10 ms .. 2 min: a task-cascade takes milliseconds, a paged rebuild of 5000 orders tens of seconds. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** 0 matters (a change that touched nothing); the tail is a user on thousands of orders. */
const FAN_OUT_BUCKETS = [0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export interface InstrumentedWorker {
  name: string;
  on: Worker['on'];
  off: Worker['off'];
}

export function instrumentWorkerPool(workers: readonly InstrumentedWorker[], registry: Registry): () => void {
  const labelNames = ['queue'] as const;
  const completed = new Counter({
    name: MetricNames.jobsCompleted,
    help: 'Jobs that completed, per queue.',
    labelNames,
    registers: [registry],
  });
  const failed = new Counter({
    name: MetricNames.jobsFailed,
    help: 'Jobs that failed for good (last attempt, or an error no retry can fix), per queue.',
    labelNames,
    registers: [registry],
  });
  const retried = new Counter({
    name: MetricNames.jobsRetried,
    help: 'Failed attempts that will be retried, per queue.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: MetricNames.jobDuration,
    help: 'Time one attempt of a job spent in its processor, per queue and outcome.',
    labelNames: ['queue', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const ordersTouched = new Histogram({
    name: MetricNames.ordersTouched,
    help: 'Orders one job updated or rebuilt, per queue.',
    labelNames,
    buckets: FAN_OUT_BUCKETS,
    registers: [registry],
  });
  const tasksTouched = new Histogram({
    name: MetricNames.tasksTouched,
    help: 'Tasks one job updated, per queue.',
    labelNames,
    buckets: FAN_OUT_BUCKETS,
    registers: [registry],
  });
  const ordersRebuilt = new Counter({
    name: MetricNames.ordersRebuilt,
    help: 'Orders whose responsible list was rebuilt from assigned_user_ids (not patched in place), per queue.',
    labelNames,
    registers: [registry],
  });

  const detachers = workers.map(worker => {
    const queue = worker.name;
    // Zero series exist from the start, so rate() works before the first job and dashboards show 0.
    for (const counter of [completed, failed, retried, ordersRebuilt]) counter.inc({ queue }, 0);

    const onCompleted = (job: Job, result: unknown) => {
      completed.inc({ queue });
      observeDuration(job, queue, 'completed');
      const fanOut = changeFanOut(result);
      if (fanOut.orders !== undefined) ordersTouched.observe({ queue }, fanOut.orders);
      if (fanOut.tasks !== undefined) tasksTouched.observe({ queue }, fanOut.tasks);
      if (fanOut.ordersRebuilt > 0) ordersRebuilt.inc({ queue }, fanOut.ordersRebuilt);
    };
    const onFailed = (job: Job | undefined, error: Error) => {
      if (job === undefined) return;
      observeDuration(job, queue, 'failed');
      // Same rule as the dead-letter copy: attemptsMade already counts the attempt that just failed.
      const final = isUnrecoverable(error) || job.attemptsMade >= (job.opts.attempts ?? 1);
      (final ? failed : retried).inc({ queue });
    };
    worker.on('completed', onCompleted);
    worker.on('failed', onFailed);
    return () => {
      worker.off('completed', onCompleted);
      worker.off('failed', onFailed);
    };
  });

  function observeDuration(job: Job, queue: string, outcome: 'completed' | 'failed'): void {
    if (job.processedOn === undefined) return;
    // A failed attempt that will be retried has no finishedOn: the event fires as it ends.
    const endedAt = job.finishedOn ?? Date.now();
    duration.observe({ queue, outcome }, Math.max(0, endedAt - job.processedOn) / 1000);
  }

  return () => {
    for (const detach of detachers) detach();
  };
}
