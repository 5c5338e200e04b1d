/**
 * TLS for every Redis connection (SPEC §4): the host name is always sent (SNI) and the certificate is
 * checked against it, by Node's own `checkServerIdentity`; REDIS_TLS_CA_FILE adds a private CA. Node sends
 * no SNI unless it is given a `servername`, and ioredis gives none, so each connector sets it from the
 * host it dials. An IP address is never sent as SNI (RFC 6066); its certificate is checked against it.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../config/config-error';
import type { RedisConfig } from '../config/config-types';

/** The TLS options of every connection, or undefined without TLS. Reads the CA file once. */
export function redisTlsOptions(
  config: Pick<RedisConfig, 'tls' | 'tlsCaFile'>,
): ConnectionOptions | undefined {
  if (!config.tls && config.tlsCaFile === undefined) return undefined;
  if (config.tlsCaFile === undefined) return {};
  try {
    return { ca: readFileSync(config.tlsCaFile) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([`REDIS_TLS_CA_FILE cannot be read: ${config.tlsCaFile} (${code})`]);
  }
}

/** `tls` as ioredis hands it over (`true` for a bare `rediss://`), with SNI for `host`. */
export function withServerName(tls: unknown, host: string | undefined): ConnectionOptions {
  const base: ConnectionOptions = typeof tls === 'object' && tls !== null ? (tls as ConnectionOptions) : {};
  if (base.servername !== undefined || host === undefined || isIP(host) !== 0) return base;
  return { ...base, servername: host };
}
