/**
 * A redis-server that speaks only TLS, on loopback, for integration tests. Its certificates come from a
 * throwaway CA made with `openssl`: one for `localhost` (the name in `url`) and one for `other.example`, which
 * a client checking the host name must refuse. The server starts with the `localhost` one; a test swaps it
 * with `restartWithCertFor`. Call it in `beforeAll` and `release()` in `afterAll`.
 *
 * The SNI a client sends is not captured: redis-server 7.0 neither logs nor reports it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../src/dev/free-port';
import { reportBackend } from './report-backend';
import { waitUntil } from './wait-until';

/** The names the server can hold a certificate for: `localhost` matches `url`, `other.example` does not. */
export const TLS_CERT_NAMES = ['localhost', 'other.example'] as const;
export type TlsCertName = (typeof TLS_CERT_NAMES)[number];

export interface TestRedisTls {
  /** PEM file of the CA that signed both certificates: what a client passes as `tls.ca`. */
  caFile: string;
  port: number;
  /** `rediss://localhost:<port>` */
  url: string;
  env(): { REDIS_URL: string; REDIS_TLS_CA_FILE: string };
  /**
   * Stops the server (SIGTERM: its data survives in the append-only file) and starts it again on the same
   * port presenting the certificate for `name`. Connected clients lose their connection and must handshake
   * again, as in a certificate rotation.
   */
  restartWithCertFor(name: TlsCertName): Promise<void>;
  /** Stops the server and removes its files and certificates. Idempotent. */
  release(): Promise<void>;
}

const SUBJECT_ALT_NAMES: Record<TlsCertName, string> = {
  localhost: 'DNS:localhost,IP:127.0.0.1',
  'other.example': 'DNS:other.example',
};

export async function startRedisTls(): Promise<TestRedisTls> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'user-sync-redis-tls-'));
  const caFile = join(dir, 'ca.crt');
  let child: ChildProcess | undefined;
  let admin: Redis | undefined;
  // A jest worker that exits without afterAll must not leave the server running.
  const killOnExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= (async () => {
      process.off('exit', killOnExit);
      admin?.disconnect();
      if (child) await stop(child, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    })();
    return released;
  };
  const start = async (name: TlsCertName) => {
    admin ??= connectAdmin(port, caFile);
    child = launch(dir, port, name);
    await untilAnswering(child, admin, port, dir);
  };

  try {
    await makeCertificates(dir);
    await start('localhost');
  } catch (error) {
    await release();
    throw error;
  }
  reportBackend('redis', `redis-server tls:${port}`);
  const url = `rediss://localhost:${port}`;

  return {
    caFile,
    port,
    url,
    env: () => ({ REDIS_URL: url, REDIS_TLS_CA_FILE: caFile }),
    restartWithCertFor: async name => {
      if (released) throw new Error('restartWithCertFor after release()');
      if (child) await stop(child, 'SIGTERM');
      await start(name);
    },
    release,
  };
}

/** `ca.crt` and, signed by it, `<name>.crt` and `<name>.key` for every name, made by openssl in `dir`. */
export async function makeCertificates(dir: string): Promise<void> {
  const run = (args: string[]) => promisify(execFile)('openssl', args, { cwd: dir, timeout: 10_000 });
  // EC keys: generated in milliseconds, where RSA keys take a noticeable part of a second each.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
  await run([
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=user-sync test CA',
  ]);
  await Promise.all(
    TLS_CERT_NAMES.map(name =>
      run([
        ...['req', '-x509', '-CA', 'ca.crt', '-CAkey', 'ca.key', ...newKey],
        ...['-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${name}`],
        // Clients check the subjectAltName, not the CN; CA:FALSE so the leaf cannot pass for a CA itself.
        ...[
          '-addext',
          `subjectAltName=${SUBJECT_ALT_NAMES[name]}`,
          '-addext',
          'basicConstraints=critical,CA:FALSE',
        ],
      ]),
    ),
  );
}

/** Not tracked by the leak guard: it lives as long as the server, across tests. */
function connectAdmin(port: number, caFile: string): Redis {
  const admin = new Redis({
    host: '127.0.0.1',
    port,
    // The fixture only asks "are you up?": it trusts the CA whatever name the certificate is for.
    tls: { ca: readFileSync(caFile), checkServerIdentity: () => undefined },
    retryStrategy: () => 50,
    maxRetriesPerRequest: 1,
  });
  // Refused connections are expected, while it starts and restarts.
  admin.on('error', () => {});
  return admin;
}

function launch(dir: string, port: number, name: TlsCertName): ChildProcess {
  const args = ['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no'];
  args.push('--tls-cert-file', join(dir, `${name}.crt`), '--tls-key-file', join(dir, `${name}.key`));
  args.push('--tls-ca-cert-file', join(dir, 'ca.crt'), '--dir', dir, '--logfile', join(dir, 'redis.log'));
  // `-::1`: on IPv6 too where there is one, since `localhost` may resolve to ::1 first.
  args.push('--bind', '127.0.0.1', '-::1', '--save', '', '--appendonly', 'yes', '--daemonize', 'no');
  // In the test run's process group, so a Ctrl-C of the run stops it too.
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  child.once('error', () => {}); // no redis-server: reported by untilAnswering() with the advice to install it
  return child;
}

async function untilAnswering(child: ChildProcess, admin: Redis, port: number, dir: string): Promise<void> {
  const state = await waitUntil(
    `redis-server (TLS) on port ${port} to answer`,
    async () => (!isRunning(child) ? 'exited' : (await admin.ping()) === 'PONG' && 'up'),
    { timeoutMs: 10_000 },
  );
  if (state === 'exited') {
    const log = await readFile(join(dir, 'redis.log'), 'utf8').catch(() => '');
    throw new Error(
      `redis-server (TLS) on port ${port} exited (${child.exitCode ?? child.signalCode}); ` +
        `is it installed (apt-get install -y redis-server)?\n${log}`,
    );
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
