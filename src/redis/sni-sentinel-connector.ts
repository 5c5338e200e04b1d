/**
 * ioredis's Sentinel connector, sending SNI. It dials the master a sentinel names and each sentinel with
 * the TLS options as given, and Node sends no SNI without a `servername` (see tls-options.ts); the master's
 * host is known only once a sentinel has answered, so the name is set there. The two hooks are private
 * in ioredis's typings, hence the casts; their signatures are the same in every ioredis 5 release.
 */
import { SentinelConnector, type RedisOptions } from 'ioredis';
import { withServerName } from './tls-options';

interface Endpoint {
  host: string;
  port: number;
}

interface SentinelInternals {
  options: { tls?: unknown; sentinelTLS?: unknown };
  resolve(endpoint: Endpoint): Promise<Endpoint | null>;
  connectToSentinel(endpoint: Endpoint, options?: Record<string, unknown>): unknown;
}

export function sniSentinelConnector(): NonNullable<RedisOptions['Connector']> {
  class SniSentinelConnector extends SentinelConnector {}
  const base = SentinelConnector.prototype as unknown as SentinelInternals;
  const proto = SniSentinelConnector.prototype as unknown as SentinelInternals;
  // The TLS options as configured: `options.tls` is rewritten per master, and a failover names another.
  const configuredTls = new WeakMap<SentinelInternals, unknown>();
  proto.resolve = async function (this: SentinelInternals, endpoint: Endpoint) {
    const master = await base.resolve.call(this, endpoint);
    if (!configuredTls.has(this)) configuredTls.set(this, this.options.tls);
    const tls = configuredTls.get(this);
    if (master !== null && tls !== undefined && tls !== false)
      this.options.tls = withServerName(tls, master.host);
    return master;
  };
  proto.connectToSentinel = function (this: SentinelInternals, endpoint: Endpoint, options = {}) {
    const tls = this.options.sentinelTLS;
    if (tls === undefined || tls === false) return base.connectToSentinel.call(this, endpoint, options);
    return base.connectToSentinel.call(this, endpoint, {
      ...options,
      tls: withServerName(tls, endpoint.host),
    });
  };
  return SniSentinelConnector as unknown as NonNullable<RedisOptions['Connector']>;
}
