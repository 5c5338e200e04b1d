/**
 * One redis-server process of a test topology (cluster node, sentinel, replica), with an admin connection
 * the fixture keeps for itself: how it is started (plain or TLS only, with or without a password), how a
 * test waits for it, and how it is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/dev/free-port';
import { waitUntil } from './wait-until';

export interface RedisProcess {
  port: number;
  /** `127.0.0.1:<port>` */
  address: string;
  child: ChildProcess;
  /** Not tracked by the leak guard: it lives as long as the topology, across tests. */
  admin: Redis;
  logFile: string;
  password: string | undefined;
  /** Where `ca.crt`, `localhost.crt` and `localhost.key` are (redis-tls.ts), when it speaks TLS only. */
  tlsDir: string | undefined;
}

export interface LaunchRedisOptions {
  dir: string;
  port: number;
  /** First on the command line: a config file, if any, must lead. */
  args: string[];
  password?: string;
  tlsDir?: string;
  /** More TLS options, such as the cluster bus's (`--tls-cluster yes`). */
  tlsArgs?: string[];
}

export function launchRedis(options: LaunchRedisOptions): RedisProcess {
  const { dir, port, password, tlsDir } = options;
  const logFile = join(dir, `redis-${port}.log`);
  const listen =
    tlsDir === undefined
      ? ['--port', String(port)]
      : [
          ...['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no'],
          ...['--tls-cert-file', join(tlsDir, 'localhost.crt')],
          ...['--tls-key-file', join(tlsDir, 'localhost.key')],
          ...['--tls-ca-cert-file', join(tlsDir, 'ca.crt'), '--tls-replication', 'yes'],
          ...(options.tlsArgs ?? []),
        ];
  // In the test run's process group, so a Ctrl-C of the run stops it too.
  const child = spawn('redis-server', [...options.args, ...listen, '--logfile', logFile], {
    stdio: 'ignore',
  });
  child.once('error', () => {}); // no redis-server: reported by untilAnswering() with the advice to install it
  const admin = new Redis({
    host: '127.0.0.1',
    port,
    password,
    ...(tlsDir === undefined ? {} : { tls: { ca: readFileSync(join(tlsDir, 'ca.crt')) } }),
    retryStrategy: () => 50,
    maxRetriesPerRequest: 1,
  });
  // Refused connections are expected, while it starts and after it was killed.
  admin.on('error', () => {});
  return { port, address: `127.0.0.1:${port}`, child, admin, logFile, password, tlsDir };
}

export async function untilAnswering(server: RedisProcess): Promise<void> {
  const state = await waitUntil(
    `redis-server on ${server.address} to answer`,
    async () => (!isRunning(server.child) ? 'exited' : (await server.admin.ping()) === 'PONG' && 'up'),
    { timeoutMs: 10_000 },
  );
  if (state === 'exited') {
    const log = await readFile(server.logFile, 'utf8').catch(() => '');
    throw new Error(
      `redis-server on ${server.address} exited (${server.child.exitCode ?? server.child.signalCode}); ` +
        `is it installed (apt-get install -y redis-server)?\n${log}`,
    );
  }
}

export async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

export async function kill(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
