import { Redis } from 'ioredis';
import type { ObjectId } from 'mongodb';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, usersOfJob } from '../../support/sync-fixtures';
import { spawnRole, type RoleProcess } from '../../support/spawn-role';
import { trackRedis } from '../../support/leak-guard';
import { waitUntil } from '../../support/wait-until';

/** Waits until `check` holds; the listener works asynchronously, so outcomes are polled, not awaited. */
const eventually = (check: () => Promise<boolean>, timeoutMs = 20_000) =>
  waitUntil('the listener outcome', check, { timeoutMs }).then(() => undefined);

/** The listener as operators run it: a process that can die at any instant. */
describe('listener process faults', () => {
  let h: SyncHarness;
  let redis: Redis;
  const processes: RoleProcess[] = [];

  beforeAll(async () => {
    h = await startSyncHarness({}, { redisFaults: true });
    redis = trackRedis(new Redis(h.config.redisUrl, { maxRetriesPerRequest: null }), 'process faults');
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map(p => p.kill('SIGKILL')));
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  const checkpointKey = () => `${h.config.queuePrefix}:listener:checkpoint`;
  const listener = (env: Record<string, string> = {}) => {
    const p = spawnRole(
      ['listener'],
      h.processEnv({
        LISTENER_LEASE_TTL_MS: '2000',
        // Several listeners run at once here; each serves its probes on a free port.
        PORT: '0',
        LOG_LEVEL: process.env.TEST_CHILD_LOG_LEVEL ?? 'info',
        ...env,
      }),
    );
    processes.push(p);
    return p;
  };
  const managerCopy = async (orderId: ObjectId) =>
    (await h.collections.orders.findOne({ _id: orderId }))?.metadata?.dashclicks_team?.manager;

  it('SIGKILL between enqueue and checkpoint: after restart no change is lost', async () => {
    const users = Array.from({ length: 10 }, () => aUser());
    const orders = users.map(user => anOrder({ manager: user._id }));
    await insertAll(h.collections, { users, orders });

    const first = listener({ LISTENER_CHECKPOINT_EVERY_MS: '100' });
    await first.waitForLog(/change stream open/);
    await eventually(async () => (await redis.exists(checkpointKey())) === 1);
    expect(await first.kill('SIGTERM')).toBe(0);
    const checkpoint = await redis.get(checkpointKey());

    const crashing = listener({
      LISTENER_CHECKPOINT_EVERY_MS: '3600000',
      LISTENER_CHECKPOINT_EVERY_EVENTS: '1000000',
    });
    await crashing.waitForLog(/change stream open/);
    for (const [n, user] of users.entries())
      await h.collections.users.updateOne({ _id: user._id }, { $set: { name: `First ${n}` } });
    const usersWaiting = async () =>
      new Set(
        (await h.queues.get('manager-sync').getJobs(['waiting', 'prioritized'])).flatMap(job =>
          usersOfJob(job.data),
        ),
      );
    await eventually(async () => (await usersWaiting()).size === 10);
    await crashing.kill('SIGKILL');
    expect(await redis.get(checkpointKey())).toBe(checkpoint);

    // Written while no listener runs.
    for (const [n, user] of users.slice(0, 5).entries())
      await h.collections.users.updateOne({ _id: user._id }, { $set: { name: `Second ${n}` } });

    const restarted = listener();
    await restarted.waitForLog(/change stream open/);
    const sentinel = aUser();
    await h.collections.users.insertOne(sentinel);
    await h.collections.users.deleteOne({ _id: sentinel._id });
    await eventually(async () =>
      (await h.queues.get('responsible-rebuild').getJobs(['waiting', 'prioritized'])).some(job =>
        usersOfJob(job.data).includes(sentinel._id.toHexString()),
      ),
    );

    // Every user still has work waiting: what the dead listener enqueued, and the redelivered events.
    expect(await usersWaiting()).toEqual(new Set(users.map(user => user._id.toHexString())));

    const pool = await h.startWorkers();
    await h.drain();
    await pool.close();
    for (const [n, order] of orders.entries()) {
      expect((await managerCopy(order._id))?.name).toBe(n < 5 ? `Second ${n}` : `First ${n}`);
    }
    expect(await restarted.kill('SIGTERM')).toBe(0);
  });

  it('a standby takes over within a few seconds of the leader being SIGKILLed', async () => {
    const user = aUser();
    const order = anOrder({ manager: user._id });
    await insertAll(h.collections, { users: [user], orders: [order] });
    const leader = listener();
    await leader.waitForLog(/change stream open/);
    const standby = listener();
    await standby.waitForLog(/"role":"listener"/).catch(() => undefined);
    await new Promise(resolve => setTimeout(resolve, 1500));
    expect(standby.output()).not.toMatch(/became the active listener/);

    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    await standby.waitForLog(/change stream open/, 15_000);
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(8000);

    await h.collections.users.updateOne({ _id: user._id }, { $set: { email: 'after-takeover@example.com' } });
    const pool = await h.startWorkers({ queueNames: ['manager-sync'] });
    await eventually(async () => (await managerCopy(order._id))?.email === 'after-takeover@example.com');
    await pool.close();
    expect(await standby.kill('SIGTERM')).toBe(0);
  });

  it('Redis killed and restarted mid-stream: every change still propagates', async () => {
    const users = Array.from({ length: 5 }, () => aUser());
    const orders = users.map(user => anOrder({ manager: user._id }));
    await insertAll(h.collections, { users, orders });
    const running = listener({ LISTENER_CHECKPOINT_EVERY_MS: '50' });
    await running.waitForLog(/change stream open/);
    const pool = await h.startWorkers();

    for (let round = 0; round < 30; round += 1) {
      if (round === 10) await h.redis.kill();
      if (round === 20) await h.redis.start();
      const user = users[round % users.length];
      await h.collections.users.updateOne({ _id: user._id }, { $set: { name: `Round ${round}` } });
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await eventually(async () => {
      const copies = await Promise.all(orders.map(order => managerCopy(order._id)));
      return copies.every((copy, index) => copy?.name === `Round ${25 + index}`);
    }, 45_000);
    await pool.close();
    expect(await running.kill('SIGTERM')).toBe(0);
  });
});
