/** The Redis topology the environment chose (SPEC §4), with what is needed to reach and name it. */
import { scrubUrlCredentials } from '../logging/scrub-url-credentials';
import type { RedisConfig, RedisTopology } from './config-types';
import { DEFAULT_REDIS_URL, type ParsedEnv } from './env-schema';
import { parseHostPortList } from './host-port';

const list = (nodes: { host: string; port: number }[]) =>
  nodes.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(',');

export function resolveRedis(env: ParsedEnv): RedisConfig {
  const topology: RedisTopology =
    env.REDIS_CLUSTER_NODES !== undefined
      ? { kind: 'cluster', nodes: parseHostPortList(env.REDIS_CLUSTER_NODES) }
      : env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_MASTER !== undefined
        ? {
            kind: 'sentinel',
            sentinels: parseHostPortList(env.REDIS_SENTINELS),
            masterName: env.REDIS_SENTINEL_MASTER,
          }
        : { kind: 'single', url: env.REDIS_URL ?? DEFAULT_REDIS_URL };
  const tls = topology.kind === 'single' ? topology.url.startsWith('rediss:') : env.REDIS_TLS;
  const scheme = tls ? 'rediss' : 'redis';
  const address =
    topology.kind === 'single'
      ? scrubUrlCredentials(topology.url)
      : topology.kind === 'cluster'
        ? `Redis Cluster ${scheme}://${list(topology.nodes)}`
        : `Sentinel master "${topology.masterName}" via ${scheme}://${list(topology.sentinels)}`;
  return {
    topology,
    username: env.REDIS_USERNAME,
    password: env.REDIS_PASSWORD,
    tls,
    tlsCaFile: env.REDIS_TLS_CA_FILE,
    address,
  };
}
