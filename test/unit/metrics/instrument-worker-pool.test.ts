import { EventEmitter } from 'node:events';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { changeFanOut } from '../../../src/metrics/change-fan-out';
import { instrumentWorkerPool } from '../../../src/metrics/instrument-worker-pool';
import { MetricNames } from '../../../src/metrics/metric-names';

class FakeWorker extends EventEmitter {
  constructor(readonly name: string) {
    super();
  }
}

const job = (fields: Partial<Job>) =>
  ({ opts: { attempts: 3 }, processedOn: 1000, finishedOn: 1250, ...fields }) as Job;

async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find(candidate => candidate.name === name);
  const sample = (metric?.values ?? []).find(candidate =>
    Object.entries(labels).every(([key, wanted]) => String(candidate.labels[key]) === wanted),
  );
  return sample?.value;
}

describe('instrumentWorkerPool', () => {
  it('counts completions, retried attempts and final failures per queue from worker events', async () => {
    const registry = new Registry();
    const worker = new FakeWorker('manager-sync');
    const detach = instrumentWorkerPool([worker as unknown as Worker], registry);

    worker.emit('completed', job({}), { ordersMatched: 4, ordersUpdated: 3 });
    worker.emit('failed', job({ attemptsMade: 1, finishedOn: undefined }), new Error('timeout'));
    worker.emit('failed', job({ attemptsMade: 3 }), new Error('timeout'));
    worker.emit('failed', job({ attemptsMade: 1 }), new UnrecoverableError('bad user'));
    worker.emit('failed', undefined, new Error('no job'));

    const queue = { queue: 'manager-sync' };
    expect(await value(registry, MetricNames.jobsCompleted, queue)).toBe(1);
    expect(await value(registry, MetricNames.jobsRetried, queue)).toBe(1);
    expect(await value(registry, MetricNames.jobsFailed, queue)).toBe(2);
    expect(await value(registry, MetricNames.ordersRebuilt, queue)).toBe(0);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/user_sync_orders_touched_per_change_sum\{queue="manager-sync"\} 3/);
    expect(metrics).toMatch(
      /user_sync_job_duration_seconds_sum\{queue="manager-sync",outcome="completed"\} 0\.25/,
    );
    expect(metrics).toMatch(
      /user_sync_job_duration_seconds_count\{queue="manager-sync",outcome="failed"\} 3/,
    );

    detach();
    worker.emit('completed', job({}), {});
    expect(await value(registry, MetricNames.jobsCompleted, queue)).toBe(1);
  });
});

describe('changeFanOut', () => {
  it('adds up the order counts a processor returns and reads tasks and rebuilds', () => {
    expect(changeFanOut({ ordersUpdatedInPlace: 2, ordersRebuilt: 5, lostRaces: 1 })).toEqual({
      orders: 7,
      tasks: undefined,
      ordersRebuilt: 5,
    });
    expect(changeFanOut({ ordersCopied: 2, tasksUpdated: 9 })).toEqual({
      orders: undefined,
      tasks: 9,
      ordersRebuilt: 0,
    });
  });

  it('reports nothing for jobs that touch no orders or tasks, or return nothing', () => {
    expect(changeFanOut({ accountsUpdated: 1, contactsUpdated: 2 })).toEqual({
      orders: undefined,
      tasks: undefined,
      ordersRebuilt: 0,
    });
    expect(changeFanOut(undefined)).toEqual({ ordersRebuilt: 0 });
    expect(changeFanOut({ ordersUpdated: -1, tasksUpdated: 'x' })).toEqual({
      orders: undefined,
      tasks: undefined,
      ordersRebuilt: 0,
    });
  });
});
