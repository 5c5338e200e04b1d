/**
 * The servers and the service of the operator scenario, each its own process as in a deployment: MongoDB
 * (MONGO_URL, else `user-sync mongo-emulator`), Redis (REDIS_URL, else a throwaway redis-server) and
 * `user-sync all` with default settings. A fresh database and queue prefix per run, so nothing is shared
 * with another run or with whatever else uses the same servers; both are removed again on release.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { freePort } from '../src/dev/free-port';
import type { Releasers } from '../src/lifecycle/releasers';
import { scrubUrlCredentials } from '../src/logging/scrub-url-credentials';
import { acquireBenchRedis } from './backends';
import { describeExit, spawnProcess, type BenchProcess } from './operator-process';
import { startProxies, type Proxies } from './proxy-client';

export interface OperatorStack {
  cli: string;
  /** The run's database on the server, as the service's MONGO_URL (may hold credentials: never print). */
  mongoUrl: string;
  databaseName: string;
  redisUrl: string;
  queuePrefix: string;
  backends: { mongo: string; redis: string };
  /** The emulator's process, when the run started one. */
  emulatorPid?: number;
  /** Latency proxies the service's processes reach both servers through; the bench's own client does not. */
  proxies?: Proxies;
}

export interface RunningService {
  process: BenchProcess;
  url: string;
}

const START_TIMEOUT_MS = 60_000;

/**
 * The emulator as its README says to run it under write-heavy load: a larger young generation, so the
 * garbage of each request dies there instead of being promoted into a heap of a million documents that
 * every major collection then walks. Only the emulator's process: user-sync's own run at node's defaults.
 */
export const EMULATOR_NODE_OPTIONS = '--max-semi-space-size=128';

/** `rttMs`: put the service behind latency proxies adding that round trip (0: proxies that only count). */
export async function startOperatorStack(
  cli: string,
  releasers: Releasers,
  rttMs?: number,
): Promise<OperatorStack> {
  const id = randomUUID().slice(0, 8);
  const given = process.env.MONGO_URL?.trim();
  let serverUri: string;
  let mongo: string;
  let emulatorPid: number | undefined;
  if (given) {
    serverUri = given;
    mongo = `MONGO_URL (${scrubUrlCredentials(given)})`;
  } else {
    const emulator = spawnProcess(
      'mongo-emulator',
      process.execPath,
      [cli, 'mongo-emulator', '--port', '0'],
      // BENCH_EMULATOR_NODE_OPTIONS replaces them, to measure others.
      { LOG_LEVEL: 'warn', NODE_OPTIONS: process.env.BENCH_EMULATOR_NODE_OPTIONS ?? EMULATOR_NODE_OPTIONS },
    );
    releasers.add('mongo-emulator', () => emulator.stop().then(() => undefined));
    // Its first stdout line is the URI, for scripts like this one.
    [serverUri] = await emulator.waitFor(/mongodb:\/\/\S+/, START_TIMEOUT_MS);
    mongo = 'user-sync mongo-emulator (its own process)';
    emulatorPid = emulator.child.pid;
  }
  const databaseName = `bench-operator-${id}`;
  const mongoUrl = withDatabase(serverUri, databaseName);
  releasers.add('database', () => dropDatabase(mongoUrl, databaseName));

  const redis = await acquireBenchRedis(process.env);
  releasers.add('redis', () => redis.release());
  const queuePrefix = `bench-operator-${id}`;
  // A throwaway server goes away whole; on a shared one only this run's keys are removed.
  if (process.env.REDIS_URL?.trim()) {
    releasers.add('queue keys', () => deleteKeys(redis.url, `${queuePrefix}:*`));
  }
  const proxies = rttMs === undefined ? undefined : await startProxies(mongoUrl, redis.url, rttMs, releasers);
  return {
    cli,
    mongoUrl,
    databaseName,
    redisUrl: redis.url,
    queuePrefix,
    backends: { mongo, redis: redis.description },
    emulatorPid,
    proxies,
  };
}

/** What every user-sync process of the run gets: the servers, and defaults for everything else. */
export function serviceEnv(stack: OperatorStack): Record<string, string> {
  return {
    MONGO_URL: stack.proxies?.mongoUrl ?? stack.mongoUrl,
    REDIS_URL: stack.proxies?.redisUrl ?? stack.redisUrl,
    QUEUE_PREFIX: stack.queuePrefix,
    LOG_LEVEL: 'warn',
  };
}

/**
 * `user-sync all`, ready once /readyz answers 200. The port is chosen here rather than PORT=0: at
 * LOG_LEVEL=warn the line that names the bound port is not printed.
 */
export function startAll(stack: OperatorStack, releasers: Releasers): Promise<RunningService> {
  return startRole(stack, ['all'], {}, releasers);
}

/**
 * Any long-running role (`all`, `listener`, `worker --queues q`), ready once its /readyz answers 200.
 * `env` adds to or overrides serviceEnv: another MONGO_URL/REDIS_URL puts the process behind its own proxies.
 */
export async function startRole(
  stack: OperatorStack,
  args: string[],
  env: Record<string, string>,
  releasers: Releasers,
): Promise<RunningService> {
  const port = await freePort();
  const name = `user-sync ${args.join(' ')}`;
  const role = spawnProcess(name, process.execPath, [stack.cli, ...args], {
    ...serviceEnv(stack),
    HOST: '127.0.0.1',
    PORT: String(port),
    DASHBOARD_USER: 'bench',
    DASHBOARD_PASSWORD: randomUUID(),
    ...env,
  });
  releasers.add(name, () => role.stop().then(() => undefined));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exit: string | undefined;
  void role.exited.then(result => (exit = describeExit(result)));
  for (;;) {
    if (exit !== undefined) throw new Error(`${name} exited (${exit}) before ready:\n${role.output()}`);
    const status = await fetch(`${url}/readyz`).then(
      response => response.status,
      () => 0,
    );
    if (status === 200) return { process: role, url };
    if (Date.now() > deadline) {
      throw new Error(`${name}: /readyz not 200 within ${START_TIMEOUT_MS} ms:\n${role.output()}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** `uri` with `database` as its path, keeping hosts and options (seed lists are not WHATWG URLs). */
function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('MONGO_URL is not a mongodb:// connection string');
  return `${match[1]}/${encodeURIComponent(database)}${match[2] ?? ''}`;
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
