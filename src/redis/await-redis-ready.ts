/**
 * Waits for a Redis connection to be ready, at most `timeoutMs`. A one-shot command calls it first: its
 * connection retries forever (BullMQ needs that), so without a deadline an unreachable Redis would make
 * `retry` or `replay` wait forever. Refused credentials end the wait at once: no retry fixes them.
 */
import type { RedisClient } from './create-redis-connection';
import { connectionReason, ServerUnreachable } from '../errors/server-unreachable';
import { isRedisCredentialError } from '../errors/redis-error';
import { RedisCredentialsRefused } from '../errors/redis-credentials-refused';

export function awaitRedisReady(redis: RedisClient, address: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: unknown;
    const onError = (error: unknown) => {
      lastError = error;
      if (!isRedisCredentialError(error)) return;
      cleanup();
      reject(new RedisCredentialsRefused(address, error));
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
