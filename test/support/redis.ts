/**
 * The Redis a test file talks to, chosen in this order and printed (`[backends] redis=...`):
 * 1. REDIS_URL, when set (and the test needs no fault injection); keys under the prefixes handed out are
 *    deleted on release.
 * 2. testcontainers' Redis, when a Docker engine answers.
 * 3. a `redis-server` binary started for this file on a free port, with an append-only file in a temp dir,
 *    so fault tests can `kill()` it (SIGKILL) and `start()` it again on the same port with its data.
 * Call it in `beforeAll` and `release()` in `afterAll`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { probeDocker } from './docker-probe';
import { freePort } from '../../src/dev/free-port';
import { trackRedis } from './leak-guard';
import { reportBackend } from './report-backend';

export type TestRedisKind = 'REDIS_URL' | 'testcontainers' | 'redis-server';

export interface TestRedis {
  url: string;
  kind: TestRedisKind;
  /** A fresh BullMQ prefix per call (`test-<uuid>`): tests never share queues. */
  queuePrefix(): string;
  /** A plain ioredis client, tracked by the leak guard: `quit()` it in the test. */
  connect(): Redis;
  /** Shuts the server down cleanly (fault tests); data survives for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the data it had. */
  start(): Promise<void>;
  /** SIGKILL: the server dies mid-whatever, as in a crash. */
  kill(): Promise<void>;
  /** Final cleanup: stops the server we started, or deletes our keys from a shared one. Idempotent. */
  release(): Promise<void>;
}

export interface AcquireTestRedisOptions {
  /** The test will stop/kill/start the server: never use a shared REDIS_URL. @defaultValue false */
  faultInjection?: boolean;
}

interface Server {
  url: string;
  kind: TestRedisKind;
  description: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  kill(): Promise<void>;
  release(): Promise<void>;
}

export async function acquireTestRedis(options: AcquireTestRedisOptions = {}): Promise<TestRedis> {
  const server = await startServer(options);
  reportBackend('redis', server.description);
  const prefixes: string[] = [];
  let released: Promise<void> | undefined;
  return {
    url: server.url,
    kind: server.kind,
    queuePrefix: () => {
      const prefix = `test-${randomUUID()}`;
      prefixes.push(prefix);
      return prefix;
    },
    connect: () =>
      trackRedis(new Redis(server.url, { maxRetriesPerRequest: null }), `ioredis ${server.kind}`),
    stop: () => server.stop(),
    start: () => server.start(),
    kill: () => server.kill(),
    release: () => {
      released ??= (async () => {
        if (server.kind === 'REDIS_URL') await deleteKeys(server.url, prefixes);
        await server.release();
      })();
      return released;
    },
  };
}

async function startServer(options: AcquireTestRedisOptions): Promise<Server> {
  const external = process.env.REDIS_URL;
  if (external && !options.faultInjection) return sharedServer(external);
  const docker = await probeDocker();
  if (docker.available) return startContainer();
  return startRedisServer();
}

function sharedServer(url: string): Server {
  const refuse = async () => {
    throw new Error(
      'fault injection needs a Redis the test owns: acquireTestRedis({ faultInjection: true })',
    );
  };
  return {
    url,
    kind: 'REDIS_URL',
    description: 'REDIS_URL',
    stop: refuse,
    start: refuse,
    kill: refuse,
    release: async () => {},
  };
}

async function startContainer(): Promise<Server> {
  const { RedisContainer } = await import('@testcontainers/redis');
  const { getContainerRuntimeClient } = await import('testcontainers');
  // A fixed host port, so the URL stays valid across the stop/start of fault tests.
  const port = await freePort();
  const container = await new RedisContainer('redis:7.4')
    .withExposedPorts({ container: 6379, host: port })
    .withCommand(['redis-server', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'])
    .start();
  const runtime = await getContainerRuntimeClient();
  const dockerContainer = runtime.container.getById(container.getId());
  return {
    url: `redis://${container.getHost()}:${port}`,
    kind: 'testcontainers',
    description: `testcontainers:redis:7.4@${container.getHost()}:${port}`,
    stop: () => runtime.container.stop(dockerContainer, { timeout: 10_000 }),
    // A stopped container starts again with its filesystem (and so the AOF) intact.
    start: async () => void (await dockerContainer.start()),
    kill: async () => void (await dockerContainer.kill({ signal: 'SIGKILL' })),
    release: async () => void (await container.stop()),
  };
}

async function startRedisServer(): Promise<Server> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'user-sync-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    child = await spawnRedisServer(port, dir);
  };
  const stopWith = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise(resolve => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kind: 'redis-server',
    description: `redis-server:${port}`,
    stop: () => stopWith('SIGTERM'),
    start,
    kill: () => stopWith('SIGKILL'),
    release: async () => {
      await stopWith('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts redis-server and resolves once it accepts connections; rejects with its output if it dies. */
function spawnRedisServer(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  // appendfsync always: a SIGKILL in a fault test must not lose the last second of writes.
  args.push('--appendonly', 'yes', '--appendfsync', 'always', '--daemonize', 'no', '--logfile', '');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.off('data', onOutput);
      child.stderr.off('data', onOutput);
      // Keep draining, or a chatty server blocks on a full pipe.
      child.stdout.resume();
      child.stderr.resume();
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else {
        resolve(child);
      }
    };
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) settle();
    };
    const timer = setTimeout(
      () => settle(new Error(`redis-server did not start within 10 s:\n${output}`)),
      10_000,
    );
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', error =>
      settle(
        new Error(`cannot run redis-server (${error.message}); install it: apt-get install -y redis-server`),
      ),
    );
    child.once('exit', code => settle(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
}

async function deleteKeys(url: string, prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    await redis.quit();
  }
}
