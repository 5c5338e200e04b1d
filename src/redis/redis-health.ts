/**
 * What Redis last answered wrongly, for /readyz, /metrics and the logs (SPEC §6). PING alone says nothing
 * useful: a full Redis, a moved slot and a replica that refuses writes all answer PONG while every write
 * of the service fails. So every place that meets a Redis error reports it here (connections, workers,
 * queues, the listener, jobs), and /readyz names the last one seen within the window: `OOM command not
 * allowed...`, `MOVED 3999 ...`, `WRONGPASS ...`, never a consequence such as "standing by".
 */
import type { Logger } from '../logging/create-logger';
import { RepeatingErrorLog, REPEAT_WINDOW_MS } from '../logging/repeating-error-log';
import { describeRedisError, redisErrorCode } from '../errors/redis-error';

export interface RedisErrorSeen {
  code: string;
  description: string;
  firstAt: number;
  at: number;
  count: number;
}

export class RedisHealth {
  private readonly recent = new Map<string, RedisErrorSeen>();
  private readonly totals = new Map<string, number>();
  private readonly log: RepeatingErrorLog;

  constructor(
    logger: Logger,
    /** How long an error keeps the service unready after it was last seen. @defaultValue 30 s */
    private readonly windowMs = REPEAT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.log = new RepeatingErrorLog(logger.child({ component: 'redis' }), REPEAT_WINDOW_MS, now);
  }

  /**
   * Records a Redis error met by `where` (`worker`, `listener`, `connection`...) and logs it once per
   * window. Returns false for errors that are not Redis's, which the caller handles as before.
   */
  report(error: unknown, where: string, { quiet = false }: { quiet?: boolean } = {}): boolean {
    const code = redisErrorCode(error);
    if (code === undefined) return false;
    const description = describeRedisError(error);
    const now = this.now();
    const previous = this.recent.get(code);
    this.recent.set(code, {
      code,
      description,
      firstAt: previous?.firstAt ?? now,
      at: now,
      count: (previous?.count ?? 0) + 1,
    });
    this.totals.set(code, (this.totals.get(code) ?? 0) + 1);
    // A lost connection has its own two lines (lost, back: create-redis-connection.ts).
    if (!quiet)
      this.log.log('warn', `${where} ${code}`, { where, redisError: code }, `Redis error: ${description}`);
    return true;
  }

  /**
   * A write just went through (a job completed, jobs enqueued, the lease taken): what was wrong has passed,
   * and /readyz need not wait out the window to say so.
   */
  writesWork(): void {
    this.recent.clear();
  }

  /** The errors seen within the window, newest first. */
  current(): RedisErrorSeen[] {
    const cutoff = this.now() - this.windowMs;
    for (const [code, seen] of this.recent) if (seen.at < cutoff) this.recent.delete(code);
    return [...this.recent.values()].sort((a, b) => b.at - a.at);
  }

  /** Every error seen since start, by code: `user_sync_redis_errors_total`. */
  counts(): ReadonlyMap<string, number> {
    return this.totals;
  }

  /** Throws what /readyz shows while an error was seen within the window. */
  check(): void {
    const [latest, ...others] = this.current();
    if (latest === undefined) return;
    const seconds = (since: number) => Math.round((this.now() - since) / 1000);
    const also = others.length > 0 ? `; also ${others.map(seen => seen.code).join(', ')}` : '';
    throw new Error(
      `${latest.description} (${latest.count} times in ${seconds(latest.firstAt)} s, last ${seconds(latest.at)} s ago${also})`,
    );
  }
}
