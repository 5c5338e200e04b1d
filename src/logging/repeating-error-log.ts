/**
 * SPEC §6: a repeating error is logged at most once per distinct error every 30 s, with a count. A Redis
 * that answers every command with the same error (a full Redis, a moved slot) makes every worker and the
 * listener fail thousands of times a second; one line per failure buried the cause and filled disks.
 * The first occurrence of an error is logged at once; repeats within the window are counted, and the
 * next occurrence after it is logged with how many were held back.
 */
import type { Logger } from './create-logger';

export const REPEAT_WINDOW_MS = 30_000;

interface Seen {
  loggedAt: number;
  suppressed: number;
}

export class RepeatingErrorLog {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = REPEAT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs `message` for `error` unless the same `key` was logged within the window. */
  log(level: 'warn' | 'error', key: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    const seen = this.seen.get(key);
    if (seen !== undefined && now - seen.loggedAt < this.windowMs) {
      seen.suppressed += 1;
      return;
    }
    const repeated = seen?.suppressed ?? 0;
    this.seen.set(key, { loggedAt: now, suppressed: 0 });
    this.logger[level](
      repeated > 0 ? { ...fields, repeated, windowSeconds: this.windowMs / 1000 } : fields,
      message,
    );
    if (this.seen.size > 100) this.forgetOlderThan(now - this.windowMs);
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [key, seen] of this.seen)
      if (seen.loggedAt < cutoff && seen.suppressed === 0) this.seen.delete(key);
  }
}
