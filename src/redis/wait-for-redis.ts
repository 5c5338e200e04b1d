/**
 * A long-running role started while Redis is unreachable waits for it (SPEC §6): "waiting for Redis at
 * <url>" once, at the first failed attempt, and one line when it answers. The connection retries on its
 * own (capped backoff, create-redis-connection.ts); this only watches it.
 */
import type { RedisClient } from './create-redis-connection';
import type { Logger } from '../logging/create-logger';
import { scrubUrlCredentials } from '../logging/scrub-url-credentials';
import { connectionReason } from '../errors/server-unreachable';
import { isRedisCredentialError } from '../errors/redis-error';
import { refusalReason } from '../errors/redis-credentials-refused';

export interface WaitForRedisOptions {
  /** Told when the wait starts (with the line /readyz shows) and when it ends. */
  onWaiting?(reason: string): void;
  onConnected?(): void;
}

export function waitForRedis(
  redis: RedisClient,
  url: string,
  logger: Logger,
  options: WaitForRedisOptions = {},
): Promise<void> {
  if (redis.status === 'ready') {
    options.onConnected?.();
    return Promise.resolve();
  }
  return new Promise(resolve => {
    let waiting = false;
    let refused = false;
    const onError = (error: unknown) => {
      // Refused credentials are not an outage: said once, in their own words, on /readyz and in the log.
      if (isRedisCredentialError(error) && !refused) {
        refused = true;
        waiting = true;
        const reason = refusalReason(scrubUrlCredentials(url), error);
        logger.error(reason);
        options.onWaiting?.(reason);
        return;
      }
      if (waiting) return;
      waiting = true;
      const cause = connectionReason(error);
      const reason = `waiting for Redis at ${scrubUrlCredentials(url)}${cause ? ` (${cause})` : ''}`;
      logger.warn(reason);
      options.onWaiting?.(reason);
    };
    const onReady = () => {
      redis.off('error', onError);
      if (waiting) logger.info({ url: scrubUrlCredentials(url) }, 'Redis connected');
      options.onConnected?.();
      resolve();
    };
    redis.on('error', onError);
    redis.once('ready', onReady);
  });
}
