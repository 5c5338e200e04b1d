/**
 * `dev` without REDIS_URL: a throwaway redis-server on a free loopback port, its data in a temp dir that
 * goes away with it. Persistence stays off (dev data is sample data) and `noeviction` is set, as BullMQ
 * needs in every Redis it uses.
 *
 * It runs in a process group of its own: Ctrl-C signals the terminal's whole group, and a redis-server in
 * it would die at once, while the workers still need it to finish their jobs. dev stops it last instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from './free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './find-executable';

export interface DevRedisServer {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, wait for the exit, remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export class RedisServerMissing extends Error {
  override readonly name = 'RedisServerMissing';
  constructor() {
    super(
      'REDIS_URL is not set and there is no redis-server on PATH. Install Redis ' +
        '(Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or point REDIS_URL at one.',
    );
  }
}

const START_TIMEOUT_MS = 10_000;

export async function startRedisServer(binary = findExecutable('redis-server')): Promise<DevRedisServer> {
  if (binary === undefined) throw new RedisServerMissing();
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'user-sync-dev-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--logfile', '');
  let child: ChildProcess;
  try {
    child = await spawnUntilReady(binary, args);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // A forced exit (second Ctrl-C, shutdown timeout) skips stop(); the server must not outlive dev anyway.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    stop: () => {
      stopping ??= (async () => {
        process.off('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise(resolve => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function spawnUntilReady(binary: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    let output = '';
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onOutput);
      child.stderr?.off('data', onOutput);
      // Keep draining, or a chatty server blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      child.off('exit', onExit);
      if (error === undefined) {
        resolve(child);
        return;
      }
      child.kill('SIGKILL');
      reject(error);
    };
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) done();
    };
    const onExit = (code: number | null) => done(new Error(`redis-server exited with ${code}:\n${output}`));
    const timer = setTimeout(
      () => done(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('exit', onExit);
    child.once('error', error => done(new Error(`cannot run ${binary}: ${error.message}`)));
  });
}
