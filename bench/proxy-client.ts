/**
 * The benchmark's side of proxy-process.ts: forks it in front of the run's MongoDB and Redis, and gives the
 * connection strings the service's processes use instead of the servers' own, so every byte they exchange
 * crosses the proxies. The benchmark's own client stays direct: its checks add neither latency nor counts.
 *
 * MongoDB: the emulator (like a replica-set member) advertises its own host:port in hello, and a client
 * given `replicaSet=` dials exactly that after the handshake, leaving the proxy. `directConnection=true`
 * without `replicaSet` keeps the driver on the address it was given; the proxy's byte counts confirm it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import { Redis } from 'ioredis';
import type { Releasers } from '../src/lifecycle/releasers';
import type { MongoCommand, MongoCounts } from './mongo-wire-tap';
import type { ProxyRequest, ProxyTargets } from './proxy-process';
import type { RedisCommandSeen, RedisWireCounts } from './redis-wire-tap';
import { median, round } from './stats';

export interface ProxyStats {
  mongo: MongoCounts;
  redis: RedisWireCounts;
  bytes: { mongo: { request: number; reply: number }; redis: { request: number; reply: number } };
  connections: { mongo: number; redis: number };
}

export interface ProxyLog {
  mongo: MongoCommand[];
  redis: RedisCommandSeen[];
}

export interface Proxies {
  rttMs: number;
  /** MONGO_URL and REDIS_URL for the service's processes. */
  mongoUrl: string;
  redisUrl: string;
  stats(): Promise<ProxyStats>;
  keepLog(on: boolean): Promise<void>;
  /** The commands logged since the last take, and forgets them. */
  takeLog(): Promise<ProxyLog>;
  /**
   * The median of `pings` Redis PINGs through the proxy, ms: the round trip the service really gets. Node's
   * timers count whole milliseconds and wait for a busy event loop, so it comes out above `rttMs`.
   */
  measureRtt(pings?: number): Promise<number>;
}

export async function startProxies(
  mongoUrl: string,
  redisUrl: string,
  rttMs: number,
  releasers: Releasers,
): Promise<Proxies> {
  const mongo = mongoAddress(mongoUrl);
  const redis = new URL(redisUrl);
  const targets: ProxyTargets = {
    mongo: { host: mongo.host, port: mongo.port },
    redis: { host: redis.hostname, port: Number(redis.port || 6379) },
    rttMs,
  };
  // .js when compiled, .ts under tsx (fork passes on the parent's --import tsx).
  const entry = join(__dirname, `proxy-process${extname(__filename)}`);
  const child = fork(entry, [JSON.stringify(targets)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  releasers.add('latency proxies', () => stopChild(child));
  const ports = await new Promise<{ mongo: number; redis: number }>((resolve, reject) => {
    child.once('exit', code => reject(new Error(`proxy process exited (${code}) before ready`)));
    child.once('message', message => resolve((message as { ready: { mongo: number; redis: number } }).ready));
  });
  let nextId = 0;
  const waiting = new Map<number, (body: unknown) => void>();
  child.on('message', message => {
    const { id, body } = message as { id?: number; body?: unknown };
    if (id !== undefined) waiting.get(id)?.(body);
    if (id !== undefined) waiting.delete(id);
  });
  const ask = <T>(
    request: ProxyRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never,
  ): Promise<T> =>
    new Promise(resolve => {
      const id = (nextId += 1);
      waiting.set(id, body => resolve(body as T));
      child.send({ ...request, id });
    });
  const proxiedRedis = new URL(redisUrl);
  proxiedRedis.hostname = '127.0.0.1';
  proxiedRedis.port = String(ports.redis);
  return {
    rttMs,
    mongoUrl: mongo.rewrite(`127.0.0.1:${ports.mongo}`),
    redisUrl: proxiedRedis.toString(),
    stats: () => ask<ProxyStats>({ type: 'snapshot' }),
    keepLog: on => ask<null>({ type: 'keep-log', on }).then(() => undefined),
    takeLog: () => ask<ProxyLog>({ type: 'take-log' }),
    measureRtt: async (pings = 50) => {
      const redis = new Redis(proxiedRedis.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        const times: number[] = [];
        for (let i = 0; i < pings; i += 1) {
          const started = performance.now();
          await redis.ping();
          times.push(performance.now() - started);
        }
        return round(median(times));
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** A one-host mongodb:// URL's address, and the URL rewritten to another address, directly connected. */
function mongoAddress(url: string): { host: string; port: number; rewrite(hostPort: string): string } {
  const match = /^mongodb:\/\/(?:([^@/]*)@)?([^/?,]+)(\/[^?]*)?(?:\?(.*))?$/.exec(url);
  if (match === null)
    throw new Error('the latency proxy needs a one-host mongodb:// URL (no +srv, no seed list)');
  const [, credentials, hostPort, path = '/', query = ''] = match;
  const [host, port = '27017'] = hostPort.split(':');
  return {
    host,
    port: Number(port),
    rewrite: address => {
      const params = new URLSearchParams(query);
      params.delete('replicaSet');
      params.set('directConnection', 'true');
      const auth = credentials === undefined ? '' : `${credentials}@`;
      return `mongodb://${auth}${address}${path}?${params.toString()}`;
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
