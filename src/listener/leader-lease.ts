/**
 * One active listener per deployment: a lease in Redis (SET NX PX) renewed well before it expires. A
 * standby polls for it and takes over within `ttlMs` plus one poll of the leader's death; the lease value
 * identifies the holder, so only the holder can renew, release, or write the checkpoint (see
 * checkpoint-store.ts).
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/create-redis-connection';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaderLeaseOptions {
  key: string;
  /** Lease lifetime; a dead leader is replaced this long after its last renewal. @defaultValue 5000 */
  ttlMs?: number;
}

export class LeaderLease {
  readonly holderId = randomUUID();
  readonly key: string;
  readonly ttlMs: number;

  constructor(
    private readonly redis: RedisClient,
    options: LeaderLeaseOptions,
  ) {
    this.key = options.key;
    this.ttlMs = options.ttlMs ?? 5000;
  }

  async tryAcquire(): Promise<boolean> {
    return (await this.redis.set(this.key, this.holderId, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  /** False when the lease was lost (expired and taken, or deleted): the caller must stop leading at once. */
  async renew(): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key, this.holderId, this.ttlMs)) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.holderId);
  }

  /** Renew interval: three renewals per lifetime, so one slow round trip does not lose the lease. */
  get renewEveryMs(): number {
    return Math.max(100, Math.floor(this.ttlMs / 3));
  }
}
