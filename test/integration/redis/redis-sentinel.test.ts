import { burstThroughFault } from '../../support/burst-through-fault';
import { assertNothingLeaked } from '../../support/leak-guard';
import { startRedisSentinel, type TestRedisSentinel } from '../../support/redis-sentinel';

/**
 * SPEC §4, §6 on a real Sentinel deployment: a master and a replica watched by 3 sentinels, every one of
 * them speaking TLS only (REDIS_TLS, REDIS_TLS_CA_FILE) and asking for a password (REDIS_PASSWORD).
 */
describe('Redis Sentinel', () => {
  let sentinel: TestRedisSentinel;
  beforeAll(async () => {
    sentinel = await startRedisSentinel({ password: 'sentinel-s3cret', tls: true });
  });
  afterAll(async () => {
    await sentinel.release();
    await assertNothingLeaked();
  });

  it('a burst of 2,000 changes converges while the master is killed and the replica promoted', async () => {
    await burstThroughFault({
      what: 'Sentinel: master killed mid-burst',
      redisEnv: sentinel.env(),
      fault: async () => {
        const { ms, killed, promoted } = await sentinel.killMaster();
        expect(promoted).not.toBe(killed);
        return { promotedAfterMs: ms };
      },
    });
  }, 240_000);
});
