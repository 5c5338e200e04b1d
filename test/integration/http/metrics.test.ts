import { RedisHealth } from '../../../src/redis/redis-health';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { startProbeServer, type ProbeServer } from '../../../src/http/start-probe-server';
import { Releasers } from '../../../src/lifecycle/releasers';
import { ChangeListener } from '../../../src/listener/change-listener';
import { MetricNames } from '../../../src/metrics/metric-names';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aTask, aUser, anOrder, insertAll } from '../../support/sync-fixtures';
import { metricFamilies, parsePrometheusText, sampleValue, type Sample } from '../../support/prometheus-text';
import { waitUntil } from '../../support/wait-until';

describe('/metrics', () => {
  let h: SyncHarness;
  let redis: Redis;
  let listener: ChangeListener;
  let server: ProbeServer;
  const releasers = new Releasers();

  beforeAll(async () => {
    h = await startSyncHarness({ JOB_ATTEMPTS: '3' });
    const pool = await h.startWorkers();
    redis = h.redis.connect();
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    listener = new ChangeListener({
      database: h.db,
      // The user path alone: these tests count its jobs, which order and task inserts would add to.
      scope: { collections: h.config.collections, syncReferences: false },
      queues: h.queues,
      redis,
      queuePrefix: h.config.queuePrefix,
      logger,
      resyncAll: async () => {},
      maxAwaitTimeMS: 100,
      checkpointEveryMs: 100,
    });
    listener.start();
    releasers.add('listener', () => listener.stop());
    server = await startProbeServer({
      role: 'test',
      deps: {
        config: { ...h.config, host: '127.0.0.1', port: 0 },
        logger,
        mongo: { db: h.db },
        redis,
        redisHealth: new RedisHealth(logger),
        queues: h.queues,
      },
      releasers,
      workers: pool.workers,
      listener,
    });
    await waitUntil('the change stream to open', () => listener.stats.streamOpen);
  });
  afterAll(async () => {
    await releasers.release();
    await redis.quit();
    await h.close();
  });

  async function scrape(): Promise<{ text: string; samples: Sample[]; contentType: string | null }> {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    return { text, samples: parsePrometheusText(text), contentType: response.headers.get('content-type') };
  }

  it('exposes every user_sync series, fed by real jobs, the listener and the queues', async () => {
    // A user on three orders' assigned lists, missing from their responsible lists (so they are
    // rebuilt), managing one of them; each order has two tasks.
    const user = aUser();
    const orders = [0, 1, 2].map(() =>
      anOrder({ assigned_user_ids: [user._id], metadata: { responsible: [] } }),
    );
    orders[0].manager = user._id;
    const tasks = orders.flatMap(order => [aTask(order), aTask(order)]);
    // And a manager whose order cannot take the copy: a retryable failure, retried, then dead-lettered.
    const broken = aUser();
    const brokenOrder = anOrder({ manager: broken._id, metadata: 'not a document' });
    await insertAll(h.collections, { users: [user, broken], orders: [...orders, brokenOrder], tasks });
    await waitUntil('the inserts to be seen', () => listener.stats.eventsSeen >= 2);

    await h.collections.users.updateOne({ _id: user._id }, { $set: { name: 'Renamed' } });
    await h.collections.users.updateOne({ _id: broken._id }, { $set: { name: 'Renamed too' } });
    await waitUntil('the jobs to be enqueued', () => listener.stats.eventsSeen >= 4);
    await waitUntil(
      'the broken job in dead-letter',
      async () => (await h.queues.get('dead-letter').count()) === 1,
    );
    await h.drain();

    const { text, samples, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = metricFamilies(text);
    // The identity provider's series exist where its endpoint and queue run (test/integration/identity).
    const clerkSeries: string[] = [
      MetricNames.identityOutcomes,
      MetricNames.webhookRequests,
      MetricNames.webhookDuration,
    ];
    for (const name of Object.values(MetricNames).filter(name => !clerkSeries.includes(name)))
      expect([name, families.has(name)]).toEqual([name, true]);
    const value = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(samples, name, { role: 'test', ...labels });

    expect(value(MetricNames.jobsCompleted, { queue: 'responsible-rebuild' })).toBeGreaterThanOrEqual(1);
    expect(value(MetricNames.jobsCompleted, { queue: 'task-cascade' })).toBeGreaterThanOrEqual(1);
    // JOB_ATTEMPTS=3: two retried attempts, then the final failure.
    expect(value(MetricNames.jobsRetried, { queue: 'manager-sync' })).toBe(2);
    expect(value(MetricNames.jobsFailed, { queue: 'manager-sync' })).toBe(1);
    expect(value(MetricNames.jobsFailed, { queue: 'owner-sync' })).toBe(0);
    expect(
      value(`${MetricNames.jobDuration}_count`, { queue: 'responsible-rebuild', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(`${MetricNames.jobDuration}_count`, { queue: 'manager-sync', outcome: 'failed' })).toBe(3);

    expect(value(MetricNames.ordersRebuilt, { queue: 'responsible-rebuild' })).toBe(3);
    expect(value(`${MetricNames.ordersTouched}_sum`, { queue: 'responsible-rebuild' })).toBe(3);
    expect(value(`${MetricNames.ordersTouched}_sum`, { queue: 'manager-sync' })).toBe(1);
    expect(value(`${MetricNames.tasksTouched}_sum`, { queue: 'task-cascade' })).toBe(6);
    expect(
      value(`${MetricNames.tasksTouched}_bucket`, { queue: 'task-cascade', le: '+Inf' }),
    ).toBeGreaterThanOrEqual(1);

    expect(value(MetricNames.queueJobs, { queue: 'manager-sync', state: 'failed' })).toBe(1);
    expect(
      value(MetricNames.queueJobs, { queue: 'responsible-rebuild', state: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(MetricNames.queueJobs, { queue: 'task-cascade', state: 'waiting' })).toBe(0);
    expect(value(MetricNames.queueJobs, { queue: 'dead-letter', state: 'waiting' })).toBe(1);
    expect(value(MetricNames.deadLetterJobs)).toBe(1);

    expect(value(MetricNames.listenerEventsSeen)).toBe(listener.stats.eventsSeen);
    // The two inserts of non-owners cause no job.
    expect(value(MetricNames.listenerEventsSkipped)).toBe(2);
    expect(value(MetricNames.jobsEnqueued, { queue: 'manager-sync' })).toBe(2);
    expect(value(MetricNames.jobsEnqueued, { queue: 'responsible-rebuild' })).toBe(2);
    expect(value(MetricNames.listenerLeader)).toBe(1);
    expect(value(MetricNames.listenerStreamOpen)).toBe(1);
    expect(value(MetricNames.listenerLag)).toBeGreaterThanOrEqual(0);
    expect(value(MetricNames.listenerHistoryLost)).toBe(0);
    // Node process metrics come along, under the same prefix.
    expect(families.has('user_sync_process_cpu_user_seconds_total')).toBe(true);
  });

  it('answers /healthz and /readyz without credentials', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { mongodb: 'ok', redis: 'ok', 'change-stream': 'ok' },
    });
    // No dashboard in this process.
    expect((await fetch(`${server.url}/api/queues`)).status).toBe(404);
  });
});
