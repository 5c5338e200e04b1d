/**
 * What Redis holds for one queue prefix, read the way an operator would with redis-cli: `INFO memory`'s
 * used_memory (the figure the memory target is about), and when it is over the target or for the report,
 * which keys hold it (SCAN + `MEMORY USAGE`, grouped by what BullMQ uses each key for, like `--bigkeys`).
 */
import type { Redis } from 'ioredis';
import { ALL_QUEUES } from '../src/queues/queue-names';

export interface MemoryInfo {
  usedMemory: number;
  /** Since the server started: a fresh server per scenario makes it this run's peak. */
  usedMemoryPeak: number;
  /** used_memory less Redis's own overhead: what the keys take. */
  usedMemoryDataset: number;
}

export async function readMemoryInfo(redis: Redis): Promise<MemoryInfo> {
  const text = await redis.info('memory');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:(\\d+)\\r?$`, 'm').exec(text);
    if (match === null) throw new Error(`INFO memory has no ${name}`);
    return Number(match[1]);
  };
  return {
    usedMemory: field('used_memory'),
    usedMemoryPeak: field('used_memory_peak'),
    usedMemoryDataset: field('used_memory_dataset'),
  };
}

export interface KeyGroup {
  /** `<queue>:<role>`: `manager-sync:job`, `manager-sync:events`, `task-cascade:de:*`, `(other):...`. */
  group: string;
  keys: number;
  bytes: number;
}

export interface QueueCaps {
  queue: string;
  /** Entries of `<queue>:events` (XLEN): RETAIN_EVENTS bounds it, approximately. */
  events: number;
  completed: number;
  failed: number;
}

export interface Census {
  keys: number;
  bytes: number;
  /** Largest first. */
  groups: KeyGroup[];
  /** The five largest keys, prefix left out. */
  largest: { key: string; bytes: number }[];
  caps: QueueCaps[];
}

/** Keys a BullMQ queue keeps besides its jobs' (`<prefix>:<queue>:<jobId>` and `:lock`, `:logs`). */
const QUEUE_KEYS = new Set([
  'events',
  'completed',
  'failed',
  'wait',
  'active',
  'delayed',
  'prioritized',
  'paused',
  'meta',
  'id',
  'marker',
  'stalled',
  'stalled-check',
  'pc',
  'limiter',
  'repeat',
  'waiting-children',
]);

const SCAN_COUNT = 1000;

export async function takeCensus(redis: Redis, prefix: string): Promise<Census> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', SCAN_COUNT);
    keys.push(...page);
    cursor = next;
  } while (cursor !== '0');

  const sizes: number[] = [];
  for (let start = 0; start < keys.length; start += SCAN_COUNT) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(start, start + SCAN_COUNT)) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    for (const [error, bytes] of (await pipeline.exec()) ?? []) sizes.push(error ? 0 : Number(bytes ?? 0));
  }

  const groups = new Map<string, KeyGroup>();
  const sized = keys.map((key, n) => ({ key: key.slice(prefix.length + 1), bytes: sizes[n] }));
  for (const { key, bytes } of sized) {
    const group = groupOf(key);
    const entry = groups.get(group) ?? { group, keys: 0, bytes: 0 };
    entry.keys += 1;
    entry.bytes += bytes;
    groups.set(group, entry);
  }
  return {
    keys: keys.length,
    bytes: sizes.reduce((sum, bytes) => sum + bytes, 0),
    groups: [...groups.values()].sort((a, b) => b.bytes - a.bytes),
    largest: sized.sort((a, b) => b.bytes - a.bytes).slice(0, 5),
    caps: await readQueueCaps(redis, prefix),
  };
}

/** What retention bounds, per queue: cheap enough to read while the service runs. */
export async function readQueueCaps(redis: Redis, prefix: string): Promise<QueueCaps[]> {
  return Promise.all(
    ALL_QUEUES.map(async queue => {
      const [events, completed, failed] = await Promise.all([
        redis.xlen(`${prefix}:${queue}:events`),
        redis.zcard(`${prefix}:${queue}:completed`),
        redis.zcard(`${prefix}:${queue}:failed`),
      ]);
      return { queue, events, completed, failed };
    }),
  );
}

/** `<queue>:<what>`, job ids folded into `job`; keys outside the queues (the listener's) as `(other)`. */
function groupOf(key: string): string {
  const [queue, ...rest] = key.split(':');
  if (!(ALL_QUEUES as readonly string[]).includes(queue)) return `(other):${queue}`;
  const what = rest.join(':');
  if (QUEUE_KEYS.has(what)) return `${queue}:${what}`;
  if (rest[0] === 'de') return `${queue}:de:*`;
  const suffix = rest.length > 1 ? `:${rest[rest.length - 1]}` : '';
  return `${queue}:job${suffix}`;
}

/** used_memory every `everyMs`, for the peak between the points a scenario reads it itself. */
export function sampleUsedMemory(redis: Redis, everyMs = 500): { stop(): Promise<number> } {
  let peak = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      // A read that fails (the server busy, shutting down) only misses one sample.
      const info = await readMemoryInfo(redis).catch(() => undefined);
      if (info !== undefined) peak = Math.max(peak, info.usedMemory);
      await new Promise(resolve => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return peak;
    },
  };
}
