/**
 * A real Redis Cluster on loopback for integration tests: redis-server processes joined by
 * `redis-cli --cluster create`, every master with its replicas. A test can kill the master that owns a slot (a
 * replica takes over) or move a slot with its keys to another master while clients write to it: the two
 * events a cluster client has to live through. Call it in `beforeAll` and `release()` in `afterAll`.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

export interface StartRedisClusterOptions {
  /** redis-cli refuses to create a cluster of fewer than 3. @defaultValue 3 */
  masters?: number;
  /** @defaultValue 1 */
  replicasPerMaster?: number;
  /** `requirepass` (and `masterauth`) on every node, as managed clusters run. */
  password?: string;
  /**
   * Every node speaks TLS only, the cluster bus and replication included, with a certificate for
   * `localhost` and 127.0.0.1 from a CA made for the run (redis-tls.ts); `env()` then names the nodes
   * `localhost` and adds REDIS_TLS and REDIS_TLS_CA_FILE.
   */
  tls?: boolean;
}

export interface ClusterFailover {
  killed: string;
  promoted: string;
  /** From the SIGKILL until every surviving node reports `cluster_state:ok` with the slot on `promoted`. */
  ms: number;
}

export interface SlotMigration {
  from: string;
  to: string;
  keysMoved: number;
  /** From `SETSLOT IMPORTING` until every live node agrees that `to` owns the slot. */
  ms: number;
}

export interface TestRedisCluster {
  /** `127.0.0.1:<port>` of every node started, killed ones included. */
  nodes: string[];
  /** The nodes still running, as the service reads them. */
  /** With REDIS_PASSWORD when the cluster has one. */
  env(): Record<string, string>;
  /** The master that every live node agrees owns the slot of `{hashTag}`. */
  masterFor(hashTag: string): Promise<string>;
  killMasterOf(hashTag: string): Promise<ClusterFailover>;
  /** Moves the slot of `{hashTag}` with its keys to another master, as `redis-cli --cluster reshard` does. */
  migrateSlotOf(hashTag: string): Promise<SlotMigration>;
  /** Kills every node and removes their files. Idempotent. */
  release(): Promise<void>;
}

interface ClusterNode extends RedisProcess {
  id: string;
}

const SERVER_ARGS = [
  ...['--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-node-timeout', '1000'],
  // A replica whose link to its master broke long ago would refuse to take over: take over anyway.
  ...['--cluster-replica-validity-factor', '0', '--cluster-allow-replica-migration', 'no'],
  // The default waits 5 s for more replicas before a full sync; here every replica syncs at once.
  ...['--repl-diskless-sync-delay', '0', '--appendonly', 'no', '--save', '', '--daemonize', 'no'],
];
const MIGRATE_BATCH = 100;

export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<TestRedisCluster> {
  const { masters = 3, replicasPerMaster = 1, password, tls = false } = options;
  const dir = await mkdtemp(join(tmpdir(), 'user-sync-redis-cluster-'));
  const launched: RedisProcess[] = [];
  // A jest worker that exits without afterAll must not leave the nodes running.
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

  let nodes: ClusterNode[];
  try {
    const ports = await distinctFreePorts(2 * masters * (1 + replicasPerMaster));
    if (tls) await makeCertificates(dir);
    const tlsDir = tls ? dir : undefined;
    for (let i = 0; i < ports.length; i += 2)
      launched.push(launch(dir, ports[i], ports[i + 1], password, tlsDir));
    nodes = await Promise.all(launched.map(identify));
    await createCluster(nodes, replicasPerMaster);
    await waitUntil('the cluster to be ok with every replica in sync', () => settled(nodes, masters), {
      timeoutMs: 20_000,
    });
  } catch (error) {
    await release();
    throw error;
  }
  const ports = nodes.map(({ port }) => port);
  reportBackend('redis', `redis-server cluster ${masters}x${1 + replicasPerMaster}:${ports.join(',')}`);

  const live = () => nodes.filter(({ child }) => isRunning(child));
  const ownerOf = (slot: number) => agreedOwner(live(), slot, nodes);
  const slotOf = async (hashTag: string) =>
    Number(await live()[0].admin.call('CLUSTER', 'KEYSLOT', `{${hashTag}}`));

  return {
    nodes: nodes.map(addressOf),
    env: () => ({
      // By name under TLS: the name is what the certificate is checked against, and what SNI sends.
      REDIS_CLUSTER_NODES: live()
        .map(node => (tls ? `localhost:${node.port}` : addressOf(node)))
        .join(','),
      ...(password === undefined ? {} : { REDIS_PASSWORD: password }),
      ...(tls ? { REDIS_TLS: 'true', REDIS_TLS_CA_FILE: join(dir, 'ca.crt') } : {}),
    }),
    masterFor: async hashTag => (await ownerOf(await slotOf(hashTag))).address,
    killMasterOf: async hashTag => {
      const slot = await slotOf(hashTag);
      const master = await ownerOf(slot);
      if ((await replicationOf(master)).onlineReplicas === 0) {
        throw new Error(`${master.address} (slot ${slot}) has no replica in sync left to take over`);
      }
      const started = Date.now();
      master.admin.disconnect();
      await kill(master.child);
      const promoted = await waitUntil(
        `a replica of ${master.address} to take over slot ${slot}`,
        async () => {
          const owner = await ownerOf(slot);
          return owner !== master && (await clusterOk(live())) && owner;
        },
        { timeoutMs: 20_000 },
      );
      return { killed: master.address, promoted: promoted.address, ms: Date.now() - started };
    },
    migrateSlotOf: async hashTag => {
      const slot = await slotOf(hashTag);
      const source = await ownerOf(slot);
      const masterIds = await slotOwners(source);
      const target = live().find(node => node !== source && masterIds.has(node.id));
      if (target === undefined) throw new Error(`no other master to move slot ${slot} to`);
      const started = Date.now();
      const keysMoved = await migrateSlot(slot, source, target, live);
      await waitUntil(
        `every node to agree that ${target.address} owns slot ${slot}`,
        async () => (await ownerOf(slot)) === target && (await clusterOk(live())),
      );
      return { from: source.address, to: target.address, keysMoved, ms: Date.now() - started };
    },
    release,
  };
}

/**
 * The documented live resharding of one slot (CLUSTER SETSLOT's manual): while the slot is MIGRATING, the
 * source serves only the keys it still has and sends clients to the target (ASK) for the others, so no key
 * can appear on the source once GETKEYSINSLOT came back empty.
 */
async function migrateSlot(
  slot: number,
  source: ClusterNode,
  target: ClusterNode,
  live: () => ClusterNode[],
): Promise<number> {
  const setSlot = (node: ClusterNode, ...args: string[]) =>
    node.admin.call('CLUSTER', 'SETSLOT', slot, ...args);
  await setSlot(target, 'IMPORTING', source.id);
  await setSlot(source, 'MIGRATING', target.id);
  let keysMoved = await moveKeys(slot, source, target);
  // The target first: once the source gives the slot up it answers MOVED, and the target must accept those.
  await setSlot(target, 'NODE', target.id);
  for (;;) {
    try {
      await setSlot(source, 'NODE', target.id);
      break;
    } catch (error) {
      // Not expected (see above), but moving a straggler beats leaving the slot half-migrated.
      if (!(error instanceof Error && error.message.includes('still hold keys'))) throw error;
      keysMoved += await moveKeys(slot, source, target);
    }
  }
  const others = live().filter(node => node !== source && node !== target);
  const masterIds = await slotOwners(target);
  await Promise.all(
    others.filter(node => masterIds.has(node.id)).map(node => setSlot(node, 'NODE', target.id)),
  );
  return keysMoved;
}

async function moveKeys(slot: number, source: ClusterNode, target: ClusterNode): Promise<number> {
  let moved = 0;
  for (;;) {
    // Buffers: a key is bytes, and a round trip through a JS string would change one that is not UTF-8.
    const keys = (await source.admin.callBuffer('CLUSTER', 'GETKEYSINSLOT', slot, MIGRATE_BATCH)) as Buffer[];
    if (keys.length === 0) return moved;
    const auth = source.password === undefined ? [] : ['AUTH', source.password];
    const reply = await source.admin.call(
      'MIGRATE',
      '127.0.0.1',
      target.port,
      '',
      0,
      5000,
      ...auth,
      'KEYS',
      ...keys,
    );
    // NOKEY: clients deleted the whole batch in the meantime.
    if (reply === 'OK') moved += keys.length;
  }
}

function launch(
  dir: string,
  port: number,
  busPort: number,
  password: string | undefined,
  tlsDir: string | undefined,
): RedisProcess {
  const args = ['--cluster-port', String(busPort), '--dir', dir, ...SERVER_ARGS];
  if (password !== undefined) args.push('--requirepass', password, '--masterauth', password);
  args.push('--cluster-config-file', join(dir, `nodes-${port}.conf`));
  return launchRedis({ dir, port, args, password, tlsDir, tlsArgs: ['--tls-cluster', 'yes'] });
}

async function identify(node: RedisProcess): Promise<ClusterNode> {
  await untilAnswering(node);
  const id = String(await node.admin.call('CLUSTER', 'MYID'));
  return { ...node, id };
}

async function createCluster(nodes: ClusterNode[], replicasPerMaster: number): Promise<void> {
  const args = ['--cluster', 'create', ...nodes.map(({ address }) => address)];
  args.push('--cluster-replicas', String(replicasPerMaster), '--cluster-yes');
  const { password, tlsDir } = nodes[0];
  if (password !== undefined) args.push('-a', password, '--no-auth-warning');
  if (tlsDir !== undefined) args.push('--tls', '--cacert', join(tlsDir, 'ca.crt'));
  try {
    await promisify(execFile)('redis-cli', args, { timeout: 20_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`redis-cli --cluster create failed: ${(error as Error).message}\n${stdout}${stderr}`);
  }
}

/** Every node sees the cluster ok and all its nodes; every master has its replicas, each done syncing. */
async function settled(nodes: ClusterNode[], masters: number): Promise<boolean> {
  const states = await Promise.all(nodes.map(clusterInfo));
  const ok = states.every(
    info => info.cluster_state === 'ok' && Number(info.cluster_known_nodes) === nodes.length,
  );
  if (!ok) return false;
  const replication = await Promise.all(nodes.map(replicationOf));
  const replicas = (nodes.length - masters) / masters;
  const full = replication.filter(
    ({ role, onlineReplicas }) => role === 'master' && onlineReplicas === replicas,
  );
  return full.length === masters && replication.every(({ role, linkUp }) => role === 'master' || linkUp);
}

async function replicationOf(node: ClusterNode) {
  const info = String(await node.admin.call('INFO', 'replication'));
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  return {
    role: field('role'),
    // A master lists a replica as soon as it connects, and marks it online once the full sync is done.
    onlineReplicas: info.split('\r\n').filter(line => /^slave\d+:.*state=online/.test(line)).length,
    linkUp: field('master_link_status') === 'up' && field('master_sync_in_progress') === '0',
  };
}

async function clusterInfo(node: ClusterNode): Promise<Record<string, string>> {
  const text = String(await node.admin.call('CLUSTER', 'INFO'));
  return Object.fromEntries(text.split('\r\n').map(line => line.split(':') as [string, string]));
}

async function clusterOk(nodes: ClusterNode[]): Promise<boolean> {
  return (await Promise.all(nodes.map(clusterInfo))).every(info => info.cluster_state === 'ok');
}

type SlotRange = [number, number, [string, number, string, ...unknown[]], ...unknown[]];

async function clusterSlots(node: ClusterNode): Promise<SlotRange[]> {
  return (await node.admin.call('CLUSTER', 'SLOTS')) as SlotRange[];
}

/** Ids of the nodes that own slots, as `node` sees it. */
async function slotOwners(node: ClusterNode): Promise<Set<string>> {
  return new Set((await clusterSlots(node)).map(([, , [, , id]]) => id));
}

/** Waits until every node in `asked` names the same owner of `slot`: one node alone may still be behind. */
async function agreedOwner(asked: ClusterNode[], slot: number, nodes: ClusterNode[]): Promise<ClusterNode> {
  return waitUntil(`the nodes to agree on who owns slot ${slot}`, async () => {
    const owners = await Promise.all(
      asked.map(async node => {
        const range = (await clusterSlots(node)).find(([start, end]) => start <= slot && slot <= end);
        return range?.[2][2];
      }),
    );
    return owners.every(id => id === owners[0]) && nodes.find(({ id }) => id === owners[0]);
  });
}

const addressOf = ({ address }: ClusterNode) => address;
