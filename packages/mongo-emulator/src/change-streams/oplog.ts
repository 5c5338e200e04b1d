/**
 * The bounded history of committed changes, in cluster-time order. A ring buffer: once `capacity`
 * entries are held, each new entry evicts the oldest, so memory stays bounded however long the server
 * runs. Entries are addressed by a sequence number that only grows.
 */
import type { Timestamp } from 'bson';
import type { ChangeRecord, Document } from '../types';
import type { Position } from './resume-token';
import { positionKey, resumeTokenOfKey } from './resume-token';

export interface OplogEntry {
  readonly seq: number;
  readonly position: Position;
  /** positionKey(position), cached: cursors compare and binary-search by it. */
  readonly key: string;
  /** The event's `_id`. */
  readonly token: Document;
  readonly clusterTime: Timestamp;
  readonly wallTime: Date;
  readonly record: ChangeRecord;
  /** Whether the collection recorded pre- and post-images when this change was written. */
  readonly imagesRecorded: boolean;
}

export type NewOplogEntry = Omit<OplogEntry, 'seq' | 'key' | 'token'>;

/**
 * Key and token are derived on first use: a bulk write appends thousands of entries that a stream may
 * filter out or never read, and encoding both for each showed in a bulk update's profile.
 */
class RetainedEntry implements OplogEntry {
  private cachedKey?: string;
  private cachedToken?: Document;
  readonly position: Position;
  readonly clusterTime: Timestamp;
  readonly wallTime: Date;
  readonly record: ChangeRecord;
  readonly imagesRecorded: boolean;

  constructor(
    readonly seq: number,
    fields: NewOplogEntry,
  ) {
    this.position = fields.position;
    this.clusterTime = fields.clusterTime;
    this.wallTime = fields.wallTime;
    this.record = fields.record;
    this.imagesRecorded = fields.imagesRecorded;
  }

  get key(): string {
    return (this.cachedKey ??= positionKey(this.position));
  }

  get token(): Document {
    return (this.cachedToken ??= resumeTokenOfKey(this.key));
  }
}

export class Oplog {
  private readonly ring: OplogEntry[] = [];
  private first = 0;
  private end = 0;
  private horizon: string;

  /** `origin` is the time history starts at: resume points before it were never recorded here. */
  constructor(
    readonly capacity: number,
    origin: Position,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`oplog capacity must be a positive integer, got ${capacity}`);
    }
    this.horizon = positionKey(origin);
  }

  /** Sequence number of the oldest retained entry. */
  get firstSeq(): number {
    return this.first;
  }

  /** Sequence number the next entry will get. */
  get endSeq(): number {
    return this.end;
  }

  /**
   * Resuming strictly after a position below this key would miss evicted events. It is the key of the
   * last evicted entry: resuming right after that one is still exact.
   */
  get horizonKey(): string {
    return this.horizon;
  }

  push(fields: NewOplogEntry): OplogEntry {
    if (this.end - this.first === this.capacity) {
      this.horizon = this.at(this.first).key;
      this.first += 1;
    }
    const entry = new RetainedEntry(this.end, fields);
    this.ring[this.end % this.capacity] = entry;
    this.end += 1;
    return entry;
  }

  at(seq: number): OplogEntry {
    if (seq < this.first || seq >= this.end) throw new RangeError(`oplog seq ${seq} is not retained`);
    return this.ring[seq % this.capacity] as OplogEntry;
  }

  last(): OplogEntry | undefined {
    return this.end > this.first ? this.at(this.end - 1) : undefined;
  }

  /** The first retained seq whose entry sorts strictly after `key`; endSeq when none does. */
  seqAfter(key: string): number {
    let lo = this.first;
    let hi = this.end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.at(mid).key <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The retained entry at exactly `key`, if any. */
  find(key: string): OplogEntry | undefined {
    const seq = this.seqAfter(key) - 1;
    if (seq < this.first) return undefined;
    const entry = this.at(seq);
    return entry.key === key ? entry : undefined;
  }
}
