import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import { burstThroughFault } from '../../support/burst-through-fault';
import { assertNothingLeaked } from '../../support/leak-guard';
import { startRedisCluster, type TestRedisCluster } from '../../support/redis-cluster';

/**
 * SPEC §4, §5, §6 on a real Redis Cluster of 3 masters and 3 replicas that speaks TLS only (REDIS_TLS,
 * REDIS_TLS_CA_FILE) and asks for a password (REDIS_PASSWORD), with the default QUEUE_PREFIX (wrapped in a
 * hash tag): a master killed mid-burst, and the queues' slot migrated mid-burst.
 */
describe('Redis Cluster', () => {
  let cluster: TestRedisCluster;
  beforeEach(async () => {
    cluster = await startRedisCluster({ password: 'cluster-s3cret', tls: true });
  });
  afterEach(async () => {
    await cluster.release();
    await assertNothingLeaked();
  });

  it('a burst of 2,000 changes converges while the queues’ master is killed and its replica promoted', async () => {
    await burstThroughFault({
      what: 'Redis Cluster: master killed mid-burst',
      redisEnv: cluster.env(),
      fault: async () => {
        // The lease and the queues live under the wrapped prefix, on the master about to die.
        expect(await leaderKeyExists(cluster)).toBe(true);
        const { ms } = await cluster.killMasterOf('user-sync');
        return { promotedAfterMs: ms };
      },
    });
  }, 240_000);

  it('a burst of 2,000 changes converges while the queues’ slot migrates to another master', async () => {
    await burstThroughFault({
      what: 'Redis Cluster: slot migrated mid-burst',
      redisEnv: cluster.env(),
      fault: async () => {
        const { ms, keysMoved } = await cluster.migrateSlotOf('user-sync');
        expect(keysMoved).toBeGreaterThan(0);
        return { migratedInMs: ms, keysMoved };
      },
    });
  }, 240_000);
});

async function leaderKeyExists(cluster: TestRedisCluster): Promise<boolean> {
  const nodes = cluster
    .env()
    .REDIS_CLUSTER_NODES.split(',')
    .map(node => {
      const [host, port] = node.split(':');
      return { host, port: Number(port) };
    });
  const env = cluster.env();
  const client = new Cluster(nodes, {
    redisOptions: { password: env.REDIS_PASSWORD, tls: { ca: readFileSync(env.REDIS_TLS_CA_FILE) } },
  });
  try {
    return (await client.exists('{user-sync}:listener:leader')) === 1;
  } finally {
    await client.quit();
  }
}
