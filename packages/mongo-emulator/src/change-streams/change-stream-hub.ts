/**
 * The emulator's change streams: the engine appends every committed change here, the command layer opens
 * `$changeStream` cursors here, and every reply's operationTime comes from `now()`.
 */
import { Timestamp } from 'bson';
import type { ChangeRecord, Document, ServerCursor } from '../types';
import { AppendSignal } from './append-signal';
import type { DocumentLookup } from './change-event';
import type { ChangeStreamScope, ChangeStreamService } from './change-stream-api';
import type { CursorContext } from './change-stream-cursor';
import { ChangeStreamCursor } from './change-stream-cursor';
import { parseChangeStreamOptions } from './change-stream-options';
import { ChangeStreamPipeline } from './change-stream-pipeline';
import { Oplog } from './oplog';
import { OplogClock } from './oplog-clock';
import type { Position } from './resume-token';
import { eventPosition, timePosition } from './resume-token';
import { resolveStartPoint } from './start-point';
import { StreamScope, validateScope } from './stream-scope';

export interface ChangeStreamHubOptions {
  /** Changes kept for resuming (the CLI's `--oplog-events`); older ones are evicted. */
  maxEvents: number;
  /** The engine's findById, for fullDocument: 'updateLookup'. */
  lookup: DocumentLookup;
  /**
   * Whether a collection records pre- and post-images; asked at write time for records that do not say.
   * @defaultValue never
   */
  preImagesEnabled?: (db: string, coll: string) => boolean;
  /**
   * Wall clock in milliseconds; tests pass their own to step it back.
   * @defaultValue Date.now
   */
  wallClock?: () => number;
}

export class ChangeStreamHub implements ChangeStreamService {
  private readonly clock: OplogClock;
  private readonly oplog: Oplog;
  private readonly signal = new AppendSignal();
  private readonly wallClock: () => number;
  private readonly context: CursorContext;

  constructor(private readonly options: ChangeStreamHubOptions) {
    this.wallClock = options.wallClock ?? Date.now;
    this.clock = new OplogClock(this.wallClock);
    this.oplog = new Oplog(options.maxEvents, timePosition(this.clock.current()));
    this.context = {
      oplog: this.oplog,
      signal: this.signal,
      lookup: options.lookup,
      endPosition: () => this.endPosition(),
    };
  }

  append(changes: ChangeRecord[]): Timestamp {
    if (changes.length === 0) return this.now();
    const wallTime = new Date(this.wallClock());
    // A transaction commits atomically, so its changes share one cluster time, told apart by index.
    const sharedTime = changes.every(isTransactional) ? this.clock.tick() : undefined;
    let clusterTime = sharedTime;
    for (let k = 0; k < changes.length; k++) {
      const record = changes[k];
      clusterTime = sharedTime ?? this.clock.tick();
      this.oplog.push({
        position: eventPosition(clusterTime, sharedTime ? k : 0),
        clusterTime,
        wallTime,
        record,
        imagesRecorded:
          record.preAndPostImages ?? this.options.preImagesEnabled?.(record.ns.db, record.ns.coll) ?? false,
      });
    }
    this.signal.notify();
    return clusterTime as Timestamp;
  }

  now(): Timestamp {
    return this.clock.current();
  }

  open(scope: ChangeStreamScope, changeStreamSpec: Document, pipeline: Document[]): ServerCursor {
    const options = parseChangeStreamOptions(changeStreamSpec);
    validateScope(scope, options.allChangesForCluster);
    const streamScope = new StreamScope({
      ...scope,
      allChangesForCluster: scope.allChangesForCluster || options.allChangesForCluster,
    });
    const compiled = new ChangeStreamPipeline(pipeline);
    const start = resolveStartPoint(options.start, this.oplog, this.freshStart(), streamScope);
    return new ChangeStreamCursor(this.context, streamScope, options, compiled, start);
  }

  /** Number of changes currently retained. */
  get retainedEvents(): number {
    return this.oplog.endSeq - this.oplog.firstSeq;
  }

  /**
   * Where a stream opened now starts: a high-water mark strictly after the last event, as mongod starts at
   * lastApplied + 1. A fresh stream's first postBatchResumeToken is this, never the last event's own token,
   * so resuming from it cannot replay that event (a drop would replay its invalidate).
   */
  private freshStart(): Position {
    const now = this.clock.current();
    const last = this.oplog.last();
    if (last === undefined || last.clusterTime.t !== now.t || last.clusterTime.i !== now.i)
      return timePosition(now);
    const next = now.i >= 0xffffffff ? { t: now.t + 1, i: 0 } : { t: now.t, i: now.i + 1 };
    return timePosition(new Timestamp(next));
  }

  /**
   * Just past everything recorded: the last event's own position while the clock still reads its time
   * (so a drained stream's token equals the last event's `_id`, as on MongoDB), else the current time.
   */
  private endPosition(): Position {
    const now = this.clock.current();
    const last = this.oplog.last();
    if (last !== undefined && last.clusterTime.t === now.t && last.clusterTime.i === now.i)
      return last.position;
    return timePosition(now);
  }
}

function isTransactional(record: ChangeRecord): boolean {
  return record.txnNumber !== undefined;
}
