/**
 * Redis's MONITOR, tallied by who the work is for: each command a client sent, by its queue (read from its
 * keys, `<prefix>:<queue>:...`) and its name (a script by its BullMQ name), with the calls a Lua script made
 * inside Redis added to that script's row (MONITOR lists them, as `lua`, right after the script). So the
 * `INFO commandstats` total splits into rows like `manager-sync · moveToActive: 1 sent, 14 inside`.
 * MONITOR slows Redis down: for a profile's counts only, never for timings.
 */
import { Redis } from 'ioredis';
import type { Releasers } from '../src/lifecycle/releasers';
import { scriptName } from './redis-script-names';

export interface TallyRow {
  sent: number;
  inside: number;
}

/** `queue · command` → counts. */
export type Tally = Record<string, TallyRow>;

export class RedisMonitorTally {
  private tally: Tally = {};
  private current: TallyRow | undefined;

  private constructor(
    private readonly prefix: string,
    private readonly monitor: Redis,
  ) {}

  static async start(redisUrl: string, prefix: string, releasers: Releasers): Promise<RedisMonitorTally> {
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    const monitor = await client.monitor();
    client.disconnect();
    const tally = new RedisMonitorTally(prefix, monitor);
    releasers.add('redis monitor', () => tally.stop());
    monitor.on('monitor', (_time: string, args: string[], source: string) => tally.seen(args, source));
    return tally;
  }

  stop(): void {
    this.monitor.disconnect();
  }

  snapshot(): Tally {
    return structuredClone(this.tally);
  }

  private seen(args: string[], source: string): void {
    const command = (args[0] ?? '').toLowerCase();
    if (source === 'lua') {
      if (this.current !== undefined) this.current.inside += 1;
      return;
    }
    // The cost meter's INFO, on its own connection: not the service's.
    if (command === 'info') {
      this.current = undefined;
      return;
    }
    const script =
      command === 'evalsha' || command === 'eval'
        ? scriptName(command.toUpperCase() as 'EVAL' | 'EVALSHA', args[1] ?? '')
        : undefined;
    const key = `${this.queueOf(args)} · ${script ?? command}`;
    const row = (this.tally[key] ??= { sent: 0, inside: 0 });
    row.sent += 1;
    this.current = row;
  }

  private queueOf(args: string[]): string {
    const marker = `${this.prefix}:`;
    for (const arg of args.slice(1)) {
      if (!arg.startsWith(marker)) continue;
      const queue = arg.slice(marker.length).split(':')[0];
      if (queue === 'listener') return 'listener';
      return queue;
    }
    return '(no key)';
  }
}

/** `after` less `before`, and less `idle` scaled by `scale` (the idle window's share of this one). */
export function tallyDelta(after: Tally, before: Tally, idle?: { tally: Tally; scale: number }): Tally {
  const delta: Tally = {};
  for (const [key, row] of Object.entries(after)) {
    const was = before[key] ?? { sent: 0, inside: 0 };
    const background = idle?.tally[key] ?? { sent: 0, inside: 0 };
    const scale = idle?.scale ?? 0;
    const sent = row.sent - was.sent - background.sent * scale;
    const inside = row.inside - was.inside - background.inside * scale;
    if (Math.abs(sent) + Math.abs(inside) > 0) delta[key] = { sent, inside };
  }
  return delta;
}
