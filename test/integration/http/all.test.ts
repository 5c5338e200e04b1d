import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked } from '../../support/leak-guard';
import { spawnCli } from '../../support/cli-process';
import { aUser, anOrder, metaOf } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('user-sync all', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis();
  });
  afterAll(async () => {
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  it('runs listener, worker and dashboard in one process: ready once the stream is open, syncs, stops cleanly', async () => {
    const database = mongo.databaseName();
    const all = spawnCli(['all'], {
      MONGO_URL: mongo.urlFor(database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      HOST: '127.0.0.1',
      PORT: '0',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'pw',
      LOG_LEVEL: 'info',
    });
    const client = await mongo.connect();
    try {
      const [, url] = await all.waitFor(/"url":"(http:\/\/[^"]+)"/);
      const ready = await waitUntil('/readyz to answer 200', async () => {
        const response = await fetch(`${url}/readyz`);
        return response.status === 200 ? ((await response.json()) as unknown) : undefined;
      });
      expect(ready).toEqual({
        status: 'ready',
        checks: { mongodb: 'ok', redis: 'ok', 'change-stream': 'ok' },
      });

      expect((await fetch(`${url}/`)).status).toBe(401);
      expect((await fetch(`${url}/`, { headers: { authorization: basic('ops', 'pw') } })).status).toBe(200);

      // A change made now goes through this one process: listener -> queue -> worker -> order.
      const db = client.db(database);
      const manager = aUser();
      const order = anOrder({ manager: manager._id });
      await db.collection('_users').insertOne(manager);
      await db.collection('_store.orders').insertOne(order);
      await db.collection('_users').updateOne({ _id: manager._id }, { $set: { name: 'Now Renamed' } });
      const copied = await waitUntil('the manager copy', async () => {
        const current = await db.collection('_store.orders').findOne({ _id: order._id });
        return current?.metadata?.dashclicks_team?.manager;
      });
      expect(copied).toEqual(metaOf({ ...manager, name: 'Now Renamed' }));

      // The copy is written before BullMQ marks the job completed: wait for the counter, don't sample once.
      const metrics = await waitUntil('the completed job on /metrics', async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return /^user_sync_jobs_completed_total\{queue="manager-sync",role="all"\} [1-9]/m.test(text)
          ? text
          : undefined;
      });
      expect(metrics).toMatch(/^user_sync_listener_leader\{role="all"\} 1$/m);
    } finally {
      await client.close();
      expect(await all.stop()).toEqual({ code: 0, signal: null });
    }
    // Every JSON line names its role once: log processors keep one value of a repeated key, or reject it.
    const lines = all
      .stdout()
      .split('\n')
      .filter(line => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter(line => line.match(/"role":/g)?.length !== 1)).toEqual([]);
  });

  it('refuses to start without dashboard credentials (exit 1)', async () => {
    const all = spawnCli(['all'], { MONGO_URL: mongo.urlFor(mongo.databaseName()), REDIS_URL: redis.url });
    expect(await all.exited).toEqual({ code: 1, signal: null });
    expect(all.stderr()).toMatch(/DASHBOARD_USER and DASHBOARD_PASSWORD/);
  });
});
