import { loadConfig } from '../../../src/config/load-config';

describe('loadConfig: Redis topologies (SPEC §4, §5)', () => {
  it('opens Redis Cluster from REDIS_CLUSTER_NODES and wraps the queue prefix in a hash tag', () => {
    const config = loadConfig({
      REDIS_CLUSTER_NODES: 'cache-0:6379, cache-1:6380,[::1]:7000',
      REDIS_USERNAME: 'sync',
      REDIS_PASSWORD: 's3cret',
      REDIS_TLS: 'true',
    });
    expect(config.redis).toEqual({
      topology: {
        kind: 'cluster',
        nodes: [
          { host: 'cache-0', port: 6379 },
          { host: 'cache-1', port: 6380 },
          { host: '::1', port: 7000 },
        ],
      },
      username: 'sync',
      password: 's3cret',
      tls: true,
      tlsCaFile: undefined,
      address: 'Redis Cluster rediss://cache-0:6379,cache-1:6380,[::1]:7000',
    });
    expect(config.queuePrefix).toBe('{user-sync}');
    expect(config.queuePrefixWrappedFrom).toBe('user-sync');
  });

  it.each([
    ['{us}', '{us}'],
    ['app:{sync}', 'app:{sync}'],
    ['a{}b', '{a{}b}'],
    ['plain', '{plain}'],
  ])('keeps a prefix with a hash tag on a cluster and wraps one without: %s', (prefix, expected) => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'h:1', QUEUE_PREFIX: prefix }).queuePrefix).toBe(expected);
  });

  it('leaves the prefix alone on one node and on Sentinel', () => {
    expect(loadConfig({ QUEUE_PREFIX: 'plain' }).queuePrefix).toBe('plain');
    expect(
      loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'main', QUEUE_PREFIX: 'plain' })
        .queuePrefix,
    ).toBe('plain');
  });

  it('opens Sentinel from REDIS_SENTINELS and REDIS_SENTINEL_MASTER', () => {
    const { redis } = loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_MASTER: 'main' });
    expect(redis.topology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'main',
    });
    expect(redis.address).toBe('Sentinel master "main" via redis://s1:26379,s2:26379');
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: 'cache-0' }, 'REDIS_CLUSTER_NODES must be host:port pairs separated by commas'],
    [{ REDIS_SENTINELS: 's1:26379' }, 'REDIS_SENTINEL_MASTER must be set when REDIS_SENTINELS is set'],
    [{ REDIS_SENTINEL_MASTER: 'main' }, 'REDIS_SENTINELS must be set when REDIS_SENTINEL_MASTER is set'],
    [
      { REDIS_URL: 'redis://h:6379', REDIS_CLUSTER_NODES: 'h:6379' },
      'REDIS_URL must not be set together with REDIS_CLUSTER_NODES',
    ],
    [
      { REDIS_CLUSTER_NODES: 'h:1', REDIS_SENTINELS: 's:2', REDIS_SENTINEL_MASTER: 'm' },
      'REDIS_SENTINELS must not be set together with REDIS_CLUSTER_NODES',
    ],
    [{ REDIS_TLS: 'maybe' }, 'REDIS_TLS must be true or false'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never quotes REDIS_PASSWORD back', () => {
    expect(() => loadConfig({ REDIS_PASSWORD: 'hunter2', REDIS_CLUSTER_NODES: 'nope' })).toThrow(
      /^(?![\s\S]*hunter2)/,
    );
  });
});
