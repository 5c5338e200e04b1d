/**
 * The listener's resume token, in Redis next to the queues it feeds. Written only after the token's events
 * are enqueued (at-least-once), and only by the lease holder: the write is one Lua script that checks the
 * lease, so a paused old leader that wakes after losing the lease cannot move the checkpoint backwards.
 */
import type { RedisClient } from '../redis/create-redis-connection';
import { BSON, type Document } from 'mongodb';
import { isNamed } from '../errors/error-shape';

const { EJSON } = BSON;

const FENCED_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 else return 0 end`;

export interface Checkpoint {
  resumeToken: Document;
  /** Cluster time of the last enqueued event or the stream's time when idle, ms since epoch; for lag. */
  clusterTimeMs: number | null;
  savedAt: string;
}

export class FencedOut extends Error {
  override readonly name = 'FencedOut';
}

export function isFencedOut(error: unknown): boolean {
  return isNamed(error, 'FencedOut');
}

export class CheckpointStore {
  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
  ) {}

  async load(): Promise<Checkpoint | null> {
    const raw = await this.redis.get(this.key);
    return raw === null ? null : (EJSON.parse(raw, { relaxed: false }) as Checkpoint);
  }

  /** Throws FencedOut when `leaseKey` is no longer held by `holderId`. */
  async save(
    checkpoint: Omit<Checkpoint, 'savedAt'>,
    lease: { key: string; holderId: string },
  ): Promise<void> {
    const value = EJSON.stringify({ ...checkpoint, savedAt: new Date().toISOString() }, { relaxed: false });
    const written = await this.redis.eval(FENCED_SET, 2, lease.key, this.key, lease.holderId, value);
    if (written !== 1) throw new FencedOut('lost the listener lease; checkpoint not written');
  }

  async clear(): Promise<void> {
    await this.redis.del(this.key);
  }
}
