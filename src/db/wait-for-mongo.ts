/**
 * A long-running role started while MongoDB is unreachable waits for it instead of exiting (SPEC §6):
 * one line when the wait starts, one ("MongoDB connected") when it ends, never one per attempt.
 * Each attempt is a whole server selection, during which the driver notices a server that comes up
 * within half a second; the pause between attempts only keeps an instant failure (DNS) from spinning.
 * The first attempt is short, so the wait is announced (and shown on /readyz) within seconds; later ones
 * grow up to the configured selection timeout, so a slow replica set is not cut short forever.
 */
import type { Logger } from '../logging/create-logger';
import { scrubUrlCredentials } from '../logging/scrub-url-credentials';
import { isServerUnreachable } from '../errors/server-unreachable';
import { reconnectDelay } from '../redis/create-redis-connection';
import { connectMongo, type ConnectMongoOptions, type MongoConnection } from './connect-mongo';

export interface WaitForMongoOptions extends ConnectMongoOptions {
  /** Told when the wait starts (with the line /readyz shows) and when it ends. */
  onWaiting?(reason: string): void;
  onConnected?(): void;
  /** @defaultValue 5000 */
  maxPauseMs?: number;
  /** The first attempt's server selection timeout; the n-th gets n times it, up to the configured one. @defaultValue 2000 */
  firstAttemptMs?: number;
}

export async function waitForMongo(
  config: Parameters<typeof connectMongo>[0],
  logger: Logger,
  options: WaitForMongoOptions = {},
): Promise<MongoConnection> {
  const { onWaiting, onConnected, maxPauseMs = 5000, firstAttemptMs = 2000, ...connectOptions } = options;
  const longest = connectOptions.serverSelectionTimeoutMS ?? config.connectTimeoutMs ?? 10_000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const mongo = await connectMongo(config, logger, {
        ...connectOptions,
        serverSelectionTimeoutMS: Math.min(longest, firstAttemptMs * attempt),
      });
      onConnected?.();
      return mongo;
    } catch (error) {
      if (!isServerUnreachable(error)) throw error;
      if (attempt === 1) {
        const reason = `waiting for MongoDB at ${scrubUrlCredentials(config.mongoUrl)}${causeOf(error)}`;
        logger.warn(reason);
        onWaiting?.(reason);
      } else logger.debug({ attempt }, 'MongoDB still unreachable');
      await new Promise(resolve => setTimeout(resolve, reconnectDelay(attempt, maxPauseMs)));
    }
  }
}

/** "(ECONNREFUSED)" from ServerUnreachable's message, which ends with the cause in parentheses. */
function causeOf(error: unknown): string {
  const match = /(\([^()]*\))$/.exec(error instanceof Error ? error.message : '');
  return match ? ` ${match[1]}` : '';
}
