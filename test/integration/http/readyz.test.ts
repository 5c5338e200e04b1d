import type { MongoClient } from 'mongodb';
import pino from 'pino';
import { loadConfig } from '../../../src/config/load-config';
import { startProbeServer, type ProbeServer } from '../../../src/http/start-probe-server';
import { Releasers } from '../../../src/lifecycle/releasers';
import { ListenerStats } from '../../../src/listener/listener-stats';
import { createQueueRegistry, type QueueRegistry } from '../../../src/queues/queue-registry';
import { createRedisConnection } from '../../../src/redis/create-redis-connection';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked, trackRedis } from '../../support/leak-guard';

/** /readyz names what is not ready; probes are bounded in time, so an outage answers 503 rather than hanging. */
describe('/readyz', () => {
  let mongo: TestMongo;
  let redisServer: TestRedis;
  let client: MongoClient;
  let queues: QueueRegistry;
  let server: ProbeServer;
  const stats = new ListenerStats();
  const logger = pino({ level: 'silent' });
  const releasers = new Releasers();
  let redis: ReturnType<typeof createRedisConnection>;

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redisServer = await acquireTestRedis({ faultInjection: true });
    client = await mongo.connect();
    redis = trackRedis(
      createRedisConnection(loadConfig({ REDIS_URL: redisServer.url }), logger),
      'readyz redis',
    );
    const config = {
      retention: loadConfig({}).retention,
      queuePrefix: redisServer.queuePrefix(),
      jobAttempts: 3,
      jobBackoffMs: 50,
      host: '127.0.0.1',
      port: 0,
      dashboard: { user: undefined, password: undefined, authDisabled: false, readOnly: false },
    };
    queues = createQueueRegistry({ config, connection: redis, logger });
    server = await startProbeServer({
      role: 'test',
      deps: { config, logger, mongo: { db: client.db(mongo.databaseName()) }, redis, queues },
      releasers,
      listener: { stats },
    });
  });
  afterAll(async () => {
    await releasers.release();
    await queues.close();
    redis.disconnect();
    await client.close(true);
    await redisServer.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  const readyz = async () => {
    const response = await fetch(`${server.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('is 503 naming the change stream until the listener has it open, then 200', async () => {
    expect(await readyz()).toEqual({
      status: 503,
      body: {
        status: 'not ready',
        failed: ['change-stream'],
        checks: {
          mongodb: 'ok',
          redis: 'ok',
          'change-stream': expect.stringMatching(/standing by/) as unknown as string,
        },
      },
    });
    stats.leader = true;
    expect((await readyz()).body.checks).toMatchObject({
      'change-stream': expect.stringMatching(/not open/),
    });
    stats.streamOpen = true;
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('is 503 naming redis while Redis is down, within the probe timeout, and 200 once it is back', async () => {
    await redisServer.stop();
    const started = Date.now();
    const down = await readyz();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(down.status).toBe(503);
    expect(down.body.failed).toEqual(['redis']);
    // /healthz does not depend on Redis: the process is alive.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // /metrics still answers, without the queue depths it cannot read.
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).not.toMatch(/^user_sync_queue_jobs\{/m);

    await redisServer.start();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await readyz()).status;
      if (status !== 200) await new Promise(resolve => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
  });

  it('is 503 naming mongodb when MongoDB is gone', async () => {
    await mongo.release();
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.failed).toEqual(['mongodb']);
  });
});
