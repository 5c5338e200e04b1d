/**
 * Waits for a Redis connection to be ready, at most `timeoutMs`. A one-shot command calls it first: its
 * connection retries forever (BullMQ needs that), so without a deadline an unreachable Redis would make
 * `retry` or `replay` wait forever. Refused credentials, and a certificate that does not verify, end
 * the wait at once: no retry fixes them. So does a refused connection to a single node: nobody listens
 * on that port now, and waiting would only delay the same answer (a cluster or Sentinel may still have
 * other nodes to try).
 */
import { isCluster, type RedisClient } from './create-redis-connection';
import { connectionReason, ServerUnreachable } from '../errors/server-unreachable';
import { isRedisCredentialError } from '../errors/redis-error';
import { RedisCredentialsRefused } from '../errors/redis-credentials-refused';

export function awaitRedisReady(redis: RedisClient, address: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: unknown;
    const started = Date.now();
    const onError = (error: unknown) => {
      lastError = error;
      if (isRedisCredentialError(error)) {
        cleanup();
        reject(new RedisCredentialsRefused(address, error));
      } else if (isCertificateError(error)) {
        cleanup();
        reject(new ServerUnreachable('Redis', address, Date.now() - started, certificateReason(error)));
      } else if (
        !isCluster(redis) &&
        !redis.options.sentinels &&
        connectionReason(error) === 'ECONNREFUSED'
      ) {
        cleanup();
        reject(new ServerUnreachable('Redis', address, undefined, 'ECONNREFUSED'));
      }
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new ServerUnreachable('Redis', address, timeoutMs, connectionReason(lastError)));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

/** Node's codes for a certificate that does not verify: for another host, expired, from an unknown CA. */
function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^(ERR_TLS_CERT_ALTNAME_INVALID|CERT_|UNABLE_TO_(GET|VERIFY)|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT)/.test(
      code,
    )
  );
}

function certificateReason(error: unknown): string {
  const { code, message } = error as { code: string; message?: string };
  return `TLS: ${code}${message ? `: ${message.split('\n')[0]}` : ''}; REDIS_TLS_CA_FILE names the CA to trust`;
}
