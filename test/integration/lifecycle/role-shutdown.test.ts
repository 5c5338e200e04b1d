import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { assertNothingLeaked } from '../../support/leak-guard';
import { spawnCli, type CliProcess, type Exit, type SpawnCliOptions } from '../../support/cli-process';
import { startStallableProxy, type StallableProxy } from '../../support/stallable-proxy';
import { startStalledResolver, type StalledResolver } from '../../support/stalled-resolver';

/**
 * Every long-running role stops on SIGTERM as an orchestrator expects: exit 0, within a few seconds when
 * idle, even when no new connection to MongoDB can be opened by then. In a container that is common at
 * shutdown: compose stops the services one after another, and while the engine reconfigures the network
 * for each, DNS lookups from the others stall for ~10 s (seen with podman 4.3 and aardvark-dns 1.4).
 * A grace of 10 s (podman-compose) is then gone. Nor may a name lookup that hangs at that moment hold the
 * exit: Node waits for getaddrinfo calls in flight before it exits, so the roles look names up in a child
 * process (src/net/subprocess-lookup.ts). A busy worker's bound is its job's own time:
 * test/integration/operations/graceful-shutdown.test.ts.
 */
const IDLE_STOP_BOUND_MS = 5000;
/**
 * A server that stops answering while the role stops: the listener is waited for 3 s, each connection 2 s
 * (LISTENER_STOP_TIMEOUT_MS, CLOSE_TIMEOUT_MS), then the process exits 0. Well inside a 10 s grace.
 */
const STALLED_STOP_BOUND_MS = 8000;

describe('every role stops promptly on SIGTERM', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  const running: CliProcess[] = [];
  const proxies: StallableProxy[] = [];
  const resolvers: StalledResolver[] = [];

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map(role => role.stop('SIGKILL')));
    await Promise.all(proxies.splice(0).map(proxy => proxy.close()));
    await Promise.all(resolvers.splice(0).map(resolver => resolver.close()));
  });
  afterAll(async () => {
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  /** A MONGO_URL that reaches the test's MongoDB through a proxy of its own, which the driver keeps using. */
  async function proxiedMongoUrl(database: string): Promise<{ url: string; proxy: StallableProxy }> {
    const target = new URL(mongo.uri.replace(/^mongodb:\/\/[^@]*@/, 'mongodb://'));
    const proxy = await startStallableProxy({ host: target.hostname, port: Number(target.port || 27017) });
    proxies.push(proxy);
    return { url: `mongodb://127.0.0.1:${proxy.port}/${database}?directConnection=true`, proxy };
  }

  function start(args: string[], env: Record<string, string>, options?: SpawnCliOptions): CliProcess {
    const role = spawnCli(
      args,
      {
        REDIS_URL: redis.url,
        PORT: '0',
        LOG_LEVEL: 'info',
        DASHBOARD_USER: 'ops',
        DASHBOARD_PASSWORD: 'a-long-enough-password',
        // Far above the bound: a stop that only ends at this timeout fails the test, with exit code 1.
        SHUTDOWN_TIMEOUT_MS: '30000',
        ...env,
      },
      options,
    );
    running.push(role);
    return role;
  }

  async function stopTimed(role: CliProcess): Promise<{ exit: Exit; ms: number }> {
    const started = Date.now();
    const exit = await role.stop('SIGTERM', 60_000);
    return { exit, ms: Date.now() - started };
  }

  it.each(['worker', 'dashboard', 'all'])('`%s`, idle', async command => {
    const { url, proxy } = await proxiedMongoUrl(mongo.databaseName());
    const role = start([command], { MONGO_URL: url, QUEUE_PREFIX: redis.queuePrefix() });
    await role.waitFor(command === 'all' ? /"msg":"change stream open"/ : /HTTP server listening/);
    proxy.stallNewConnections();
    const { exit, ms } = await stopTimed(role);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(IDLE_STOP_BOUND_MS);
  });

  it('the leading listener and its standby', async () => {
    const database = mongo.databaseName();
    // A standby polls every TTL/3 (5 s) and a lease left to expire lasts 15 s: taking over within 10 s
    // shows the stopping leader released it.
    const env = { QUEUE_PREFIX: redis.queuePrefix(), LISTENER_LEASE_TTL_MS: '15000' };
    const first = await proxiedMongoUrl(database);
    const leader = start(['listener'], { ...env, MONGO_URL: first.url });
    await leader.waitFor(/"msg":"change stream open"/);
    const second = await proxiedMongoUrl(database);
    const standby = start(['listener'], { ...env, MONGO_URL: second.url });
    await standby.waitFor(/HTTP server listening/);

    first.proxy.stallNewConnections();
    const stoppedLeader = await stopTimed(leader);
    expect(stoppedLeader.exit).toEqual({ code: 0, signal: null });
    expect(stoppedLeader.ms).toBeLessThan(IDLE_STOP_BOUND_MS);

    await standby.waitFor(/"msg":"change stream open"/, { timeoutMs: 10_000 });
    second.proxy.stallNewConnections();
    const stoppedStandby = await stopTimed(standby);
    expect(stoppedStandby.exit).toEqual({ code: 0, signal: null });
    expect(stoppedStandby.ms).toBeLessThan(IDLE_STOP_BOUND_MS);
  });

  it('the leading listener, while a name lookup of its MongoDB hangs', async () => {
    // What failed the compose smoke: the driver's round-trip pinger opens its connection one heartbeat
    // after connecting, and its lookup of `mongo` met a DNS server that had stopped answering. The stop
    // itself took 25 ms, but the exit waited for the lookup (libuv joins its thread pool at exit) and
    // the engine killed the process when its 10 s grace ran out.
    const resolver = await startStalledResolver({ 'user-sync-mongo.test': '127.0.0.1' });
    resolvers.push(resolver);
    const port = new URL(mongo.uri.replace(/^mongodb:\/\/[^@]*@/, 'mongodb://')).port;
    const url = `mongodb://user-sync-mongo.test:${port}/${mongo.databaseName()}?directConnection=true&heartbeatFrequencyMS=8000`;
    const leader = start(
      ['listener'],
      { QUEUE_PREFIX: redis.queuePrefix(), MONGO_URL: url },
      { wrap: resolver.wrap },
    );
    await leader.waitFor(/"msg":"change stream open"/);
    resolver.stall();
    await resolver.waitForQuery('user-sync-mongo.test', 20_000);

    const { exit, ms } = await stopTimed(leader);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(IDLE_STOP_BOUND_MS);
    expect(leader.stdout()).toMatch(/"msg":"shutdown complete"/);
  });

  it.each(['MongoDB', 'Redis'])('the leading listener, when %s stops answering as it stops', async server => {
    const database = mongo.databaseName();
    const env = { QUEUE_PREFIX: redis.queuePrefix() };
    let proxy: StallableProxy;
    let leader: CliProcess;
    if (server === 'MongoDB') {
      const proxied = await proxiedMongoUrl(database);
      proxy = proxied.proxy;
      leader = start(['listener'], { ...env, MONGO_URL: proxied.url });
    } else {
      const target = new URL(redis.url);
      proxy = await startStallableProxy({ host: target.hostname, port: Number(target.port || 6379) });
      proxies.push(proxy);
      leader = start(['listener'], {
        ...env,
        MONGO_URL: mongo.urlFor(database),
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      });
    }
    await leader.waitFor(/"msg":"change stream open"/);
    proxy.stallEverything();

    const { exit, ms } = await stopTimed(leader);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(STALLED_STOP_BOUND_MS);
    // The listener's stop (killCursors, or the last checkpoint and the lease release) was given up on.
    expect(leader.stdout()).toMatch(/"resource":"listener"[^\n]*"msg":"release did not finish in time/);
    expect(leader.stdout()).toMatch(/"msg":"shutdown complete"/);
  });
});
