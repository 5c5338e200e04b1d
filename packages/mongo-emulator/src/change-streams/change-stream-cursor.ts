/**
 * A change stream's server-side cursor: tailable and awaitData. Each batch carries a
 * postBatchResumeToken that moves past events the pipeline filtered out and, once the oplog is read to
 * its end, up to the current time, so an idle stream's checkpoint keeps advancing.
 */
import { calculateObjectSize } from 'bson';
import type { CursorBatch, Document, ServerCursor } from '../types';
import { commandError, ErrorCodes, MongoCommandError } from '../types';
import { MAX_BSON_OBJECT_SIZE } from '../wire/op-codes';
import type { DocumentLookup } from './change-event';
import { addImages, renderChangeEvent, renderInvalidate } from './change-event';
import type { ChangeStreamOptions } from './change-stream-options';
import type { ChangeStreamPipeline } from './change-stream-pipeline';
import type { AppendSignal, Wait } from './append-signal';
import type { Oplog, OplogEntry } from './oplog';
import type { Position } from './resume-token';
import { encodeResumeToken, positionKey } from './resume-token';
import type { StartPoint } from './start-point';
import type { StreamScope } from './stream-scope';

/** What MongoDB waits in an awaitData getMore that names no maxTimeMS. */
const DEFAULT_AWAIT_MS = 1000;
/** MongoDB stops filling a batch before it would pass the 16 MB document limit. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** Filtering a long backlog must not stall the event loop: the rest waits for the next getMore. */
const SCAN_BUDGET_MS = 25;
const BUDGET_CHECK_EVERY = 64;
/**
 * Except when the stream is this far behind (a share of the history it can still read). MongoDB reads the
 * oplog on other threads than it writes with; here one thread does both, and a stream given 25 ms per
 * getMore while many clients write can fall off the end of the history, which on a real server it would
 * not. So a stream past this lag reads on until it is back under it, however long that holds the others.
 */
const UNBUDGETED_LAG_SHARE = 0.5;

export interface CursorContext {
  oplog: Oplog;
  signal: AppendSignal;
  lookup: DocumentLookup;
  /** The position just past everything recorded so far. */
  endPosition(): Position;
}

export class ChangeStreamCursor implements ServerCursor {
  readonly ns: string;
  private nextSeq: number;
  /** Where the stream stands: its postBatchResumeToken. Only moves forward. */
  private position: Position;
  private positionKey: string;
  /**
   * Entries at or before the start point are never shown. Only a startAtOperationTime in the future
   * needs this: entries appended before the clock reaches it still land after the cursor's nextSeq.
   */
  private readonly startKey: string;
  private pendingInvalidate: OplogEntry | null;
  /** The invalidate went out: nothing follows it. */
  private finished = false;
  private closed = false;
  private wait: Wait | null = null;

  constructor(
    private readonly context: CursorContext,
    private readonly scope: StreamScope,
    private readonly options: ChangeStreamOptions,
    private readonly pipeline: ChangeStreamPipeline,
    start: StartPoint,
  ) {
    this.ns = scope.cursorNamespace;
    this.nextSeq = start.nextSeq;
    this.position = start.position;
    this.positionKey = positionKey(start.position);
    this.startKey = this.positionKey;
    this.pendingInvalidate = start.pendingInvalidate;
  }

  async next(batchSize: number, maxAwaitTimeMS: number): Promise<CursorBatch> {
    // A batchSize of 0 or none means "as many as fit", as for getMore.
    const limit = batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY;
    const awaitMs = Number.isFinite(maxAwaitTimeMS) ? Math.max(0, maxAwaitTimeMS) : DEFAULT_AWAIT_MS;
    const deadline = Date.now() + awaitMs;
    let batch = this.scan(limit);
    while (batch.documents.length === 0 && !batch.exhausted && !this.closed && !this.behind()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      this.wait = this.context.signal.wait(remaining);
      await this.wait.done;
      this.wait = null;
      batch = this.scan(limit);
    }
    return batch;
  }

  close(): void {
    this.closed = true;
    this.wait?.cancel();
  }

  /** True when entries are left unread because a scan ran out of budget: answer now, don't wait. */
  private behind(): boolean {
    return this.nextSeq < this.context.oplog.endSeq;
  }

  private scan(limit: number): CursorBatch {
    const documents: Document[] = [];
    if (this.finished || this.closed) return this.batch(documents, true);
    const { oplog } = this.context;
    const started = performance.now();
    let bytes = 0;
    let scanned = 0;
    const fits = (event: Document) => {
      const size = calculateObjectSize(event);
      if (size > MAX_BSON_OBJECT_SIZE) throw eventTooLarge(event, size, this.pipeline.splitsLargeEvents);
      if (documents.length > 0 && bytes + size > MAX_BATCH_BYTES) return false;
      bytes += size;
      return true;
    };

    while (documents.length < limit) {
      if (this.pendingInvalidate !== null) {
        const invalidate = this.filtered(renderInvalidate(this.pendingInvalidate));
        if (invalidate !== null && !fits(invalidate)) break;
        if (invalidate !== null) documents.push(invalidate);
        this.moveTo({ ...this.pendingInvalidate.position, invalidate: true });
        this.pendingInvalidate = null;
        this.finished = true;
        return this.batch(documents, true);
      }
      if (this.nextSeq >= oplog.endSeq) {
        this.moveTo(this.context.endPosition());
        break;
      }
      if (this.nextSeq < oplog.firstSeq) {
        throw commandError(
          ErrorCodes.ChangeStreamHistoryLost,
          'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
        );
      }
      scanned += 1;
      if (
        scanned % BUDGET_CHECK_EVERY === 0 &&
        performance.now() - started > SCAN_BUDGET_MS &&
        oplog.endSeq - this.nextSeq < oplog.capacity * UNBUDGETED_LAG_SHARE
      )
        break;

      const entry = oplog.at(this.nextSeq);
      const afterStart = entry.key > this.startKey;
      if (afterStart && this.scope.sees(entry.record)) {
        const event = this.render(entry);
        if (event !== null && !fits(event)) break;
        if (event !== null) documents.push(event);
      }
      this.nextSeq += 1;
      this.moveTo(entry.position, entry.key);
      if (afterStart && this.scope.invalidatedBy(entry.record)) this.pendingInvalidate = entry;
    }
    return this.batch(documents, false);
  }

  /** The event as the stream shows it, or null when its pipeline filters it out. */
  private render(entry: OplogEntry): Document | null {
    const event = renderChangeEvent(entry);
    if (!this.pipeline.acceptsBeforeImages(event)) return null;
    return this.pipeline.apply(addImages(event, entry, this.options, this.context.lookup));
  }

  /** An event that carries no images (an invalidate) through the whole pipeline. */
  private filtered(event: Document): Document | null {
    return this.pipeline.acceptsBeforeImages(event) ? this.pipeline.apply(event) : null;
  }

  private moveTo(position: Position, key = positionKey(position)): void {
    if (key <= this.positionKey) return;
    this.position = position;
    this.positionKey = key;
  }

  private batch(documents: Document[], exhausted: boolean): CursorBatch {
    return { documents, exhausted, postBatchResumeToken: encodeResumeToken(this.position) };
  }
}

/** What mongod answers for an event no reply can carry (unless the pipeline splits it, which is not here). */
function eventTooLarge(event: Document, size: number, splitRequested: boolean): MongoCommandError {
  if (splitRequested) {
    return new MongoCommandError(
      115,
      'CommandNotSupported',
      `$changeStreamSplitLargeEvent: this emulator does not split events; this one is ${size} bytes`,
    );
  }
  return new MongoCommandError(
    10334,
    'BSONObjectTooLarge',
    `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ` +
      `${MAX_BSON_OBJECT_SIZE}(16MB) First element: _id: ${JSON.stringify(event._id)}`,
  );
}
