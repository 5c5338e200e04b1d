/**
 * A real Sentinel setup on loopback for integration tests: a master, one replica and three sentinels (quorum
 * 2), all redis-server processes. A test can kill the master and get back once the sentinels promoted the
 * replica and it takes writes. Call it in `beforeAll` and `release()` in `afterAll`.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportBackend } from './report-backend';
import {
  distinctFreePorts,
  isRunning,
  kill,
  launchRedis,
  untilAnswering,
  type RedisProcess,
} from './redis-process';
import { makeCertificates } from './redis-tls';
import { waitUntil } from './wait-until';

export interface SentinelFailover {
  killed: string;
  promoted: string;
  /** From the SIGKILL until every sentinel names `promoted` and it took a write. */
  ms: number;
}

export interface TestRedisSentinel {
  masterName: string;
  /** `127.0.0.1:<port>` of each sentinel. */
  sentinels: string[];
  /** With REDIS_PASSWORD when the deployment has one. */
  env(): Record<string, string>;
  /** The master every sentinel names. */
  currentMaster(): Promise<string>;
  killMaster(): Promise<SentinelFailover>;
  /** Kills every process and removes their files. Idempotent. */
  release(): Promise<void>;
}

const MASTER_NAME = 'user-sync';
const SERVER_ARGS = [
  ...['--bind', '127.0.0.1', '--appendonly', 'no', '--save', '', '--daemonize', 'no'],
  // The default waits 5 s for more replicas before a full sync; here the one replica syncs at once.
  ...['--repl-diskless-sync-delay', '0'],
];

export interface StartRedisSentinelOptions {
  /** `requirepass` on every server and sentinel, as managed Sentinel deployments run. */
  password?: string;
  /**
   * Every server and sentinel speaks TLS only, with a certificate for `localhost` and 127.0.0.1 from a CA
   * made for the run (redis-tls.ts); `env()` then names the sentinels `localhost` and adds REDIS_TLS and
   * REDIS_TLS_CA_FILE.
   */
  tls?: boolean;
}

export async function startRedisSentinel(
  options: StartRedisSentinelOptions = {},
): Promise<TestRedisSentinel> {
  const { password } = options;
  const auth = password === undefined ? [] : ['--requirepass', password, '--masterauth', password];
  const dir = await mkdtemp(join(tmpdir(), 'user-sync-redis-sentinel-'));
  const security: Security = { password, tlsDir: options.tls ? dir : undefined };
  // The master writes a snapshot to sync its replica: in the temp dir, not in the test run's directory.
  const serverArgs = [...SERVER_ARGS, '--dir', dir, ...auth];
  const launched: RedisProcess[] = [];
  // A jest worker that exits without afterAll must not leave the processes running.
  const killOnExit = () => {
    for (const { child } of launched) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= (async () => {
      process.off('exit', killOnExit);
      for (const { admin } of launched) admin.disconnect();
      await Promise.allSettled(launched.map(({ child }) => kill(child)));
      await rm(dir, { recursive: true, force: true });
    })();
    return released;
  };

  let servers: RedisProcess[];
  let sentinels: RedisProcess[];
  try {
    const [masterPort, replicaPort, ...sentinelPorts] = await distinctFreePorts(5);
    if (options.tls) await makeCertificates(dir);
    const master = launch(dir, masterPort, serverArgs, security);
    const replicaOf = ['--replicaof', '127.0.0.1', String(masterPort)];
    const replica = launch(dir, replicaPort, [...serverArgs, ...replicaOf], security);
    servers = [master, replica];
    launched.push(...servers);
    const configs = await writeSentinelConfigs(dir, masterPort, replicaPort, sentinelPorts, password);
    // A sentinel that finds a server not listening yet tries again only a second later.
    await Promise.all(servers.map(untilAnswering));
    sentinels = sentinelPorts.map((port, i) => launch(dir, port, [configs[i], '--sentinel'], security));
    launched.push(...sentinels);
    await Promise.all(sentinels.map(untilAnswering));
    await waitUntil('the replica in sync and the sentinels knowing each other and it', async () => {
      const [role, , , state] = (await replica.admin.call('ROLE')) as string[];
      return (
        role === 'slave' && state === 'connected' && (await Promise.all(sentinels.map(sees))).every(Boolean)
      );
    });
  } catch (error) {
    await release();
    throw error;
  }
  const addresses = sentinels.map(({ address }) => address);
  reportBackend('redis', `redis-server sentinel:${servers.map(({ address }) => address).join(',')}`);

  const currentMaster = () =>
    waitUntil('the sentinels to agree on the master', async () => {
      const named = await Promise.all(sentinels.map(masterNamedBy));
      return named.every(address => address === named[0]) && named[0];
    });

  return {
    masterName: MASTER_NAME,
    sentinels: addresses,
    env: () => ({
      // By name under TLS: the name is what the certificate is checked against, and what SNI sends.
      REDIS_SENTINELS: options.tls
        ? addresses.map(address => address.replace('127.0.0.1', 'localhost')).join(',')
        : addresses.join(','),
      REDIS_SENTINEL_MASTER: MASTER_NAME,
      ...(password === undefined ? {} : { REDIS_PASSWORD: password }),
      ...(options.tls ? { REDIS_TLS: 'true', REDIS_TLS_CA_FILE: join(dir, 'ca.crt') } : {}),
    }),
    currentMaster,
    killMaster: async () => {
      const killed = await currentMaster();
      const master = servers.find(({ address }) => address === killed);
      if (master === undefined || !isRunning(master.child)) {
        throw new Error(`${killed} is not ours or not running`);
      }
      const replicas = await Promise.all(sentinels.map(replicasNamedBy));
      if (!replicas.every(list => list.some(({ flags }) => flags === 'slave'))) {
        throw new Error(`${killed} has no healthy replica left to take over`);
      }
      const started = Date.now();
      master.admin.disconnect();
      await kill(master.child);
      const promoted = await waitUntil(
        `the sentinels to promote a replica of ${killed}`,
        async () => {
          const address = await currentMaster();
          const server = servers.find(candidate => candidate.address === address);
          return address !== killed && server !== undefined && (await acceptsWrites(server)) && address;
        },
        { timeoutMs: 30_000 },
      );
      return { killed, promoted, ms: Date.now() - started };
    },
    release,
  };
}

/**
 * One config file per sentinel: Sentinel rewrites its own. Each starts out knowing its peers and the replica,
 * with ids we chose, instead of discovering them through hello messages every 2 s. What start-up still costs
 * (about a second) is a sentinel that tried a peer before it listened: it tries again only a second later.
 */
async function writeSentinelConfigs(
  dir: string,
  masterPort: number,
  replicaPort: number,
  ports: number[],
  password: string | undefined,
): Promise<string[]> {
  const ids = ports.map(() => randomBytes(20).toString('hex'));
  return Promise.all(
    ports.map(async (port, i) => {
      const file = join(dir, `sentinel-${port}.conf`);
      const lines = [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel myid ${ids[i]}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 5000`,
        `sentinel known-replica ${MASTER_NAME} 127.0.0.1 ${replicaPort}`,
        // The sentinels ask for the password too, and give it to the servers and to each other.
        ...(password === undefined
          ? []
          : [
              `requirepass ${password}`,
              `sentinel auth-pass ${MASTER_NAME} ${password}`,
              `sentinel sentinel-pass ${password}`,
            ]),
        ...ports.flatMap((peer, j) =>
          j === i ? [] : [`sentinel known-sentinel ${MASTER_NAME} 127.0.0.1 ${peer} ${ids[j]}`],
        ),
      ];
      await writeFile(file, `${lines.join('\n')}\n`);
      return file;
    }),
  );
}

/** The sentinel is connected to its two peers and to a healthy replica of a healthy master. */
async function sees(sentinel: RedisProcess): Promise<boolean> {
  const master = fields((await sentinel.admin.call('SENTINEL', 'MASTER', MASTER_NAME)) as string[]);
  const peers = (await sentinel.admin.call('SENTINEL', 'SENTINELS', MASTER_NAME)) as string[][];
  const replicas = await replicasNamedBy(sentinel);
  return (
    master.flags === 'master' &&
    peers.filter(peer => fields(peer).flags === 'sentinel').length === 2 &&
    replicas.some(({ flags, 'master-link-status': link }) => flags === 'slave' && link === 'ok')
  );
}

async function replicasNamedBy(sentinel: RedisProcess): Promise<Record<string, string>[]> {
  return ((await sentinel.admin.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][]).map(fields);
}

async function masterNamedBy(sentinel: RedisProcess): Promise<string> {
  const reply = await sentinel.admin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME);
  const [host, port] = reply as string[];
  return `${host}:${port}`;
}

/** A transaction that writes and deletes a key: refused with READONLY by a replica, leaves nothing behind. */
async function acceptsWrites(server: RedisProcess): Promise<boolean> {
  const probe = `user-sync-fixture:write-probe:${randomBytes(4).toString('hex')}`;
  try {
    await server.admin.multi().set(probe, '1').del(probe).exec();
    return true;
  } catch {
    return false;
  }
}

/** SENTINEL replies list a server as `[name, value, name, value, ...]`. */
function fields(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]] = flat[i + 1];
  return record;
}

interface Security {
  password: string | undefined;
  /** Where `ca.crt`, `localhost.crt` and `localhost.key` are, when everything speaks TLS. */
  tlsDir: string | undefined;
}

function launch(dir: string, port: number, args: string[], { password, tlsDir }: Security): RedisProcess {
  return launchRedis({ dir, port, args, password, tlsDir });
}
