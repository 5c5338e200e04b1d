/**
 * Where a new stream starts reading the oplog. Resuming is exact or it fails: a resume point whose later
 * events were evicted is ChangeStreamHistoryLost (286), one that names no event this server recorded,
 * or lies in the future, is ChangeStreamFatalError (280). Never a silent restart from now.
 */
import { commandError, ErrorCodes } from '../types';
import type { StartOption } from './change-stream-options';
import type { Oplog, OplogEntry } from './oplog';
import type { Position } from './resume-token';
import { encodeResumeToken, positionKey, PositionKind, timePosition } from './resume-token';
import type { StreamScope } from './stream-scope';

export interface StartPoint {
  /** The stream's position before it reads anything: its first postBatchResumeToken. */
  position: Position;
  /** First oplog seq to read. */
  nextSeq: number;
  /** Resuming right after a drop that invalidates this stream: the invalidate comes first. */
  pendingInvalidate: OplogEntry | null;
}

const HISTORY_LOST =
  'Resume of change stream was not possible, as the resume point may no longer be in the oplog.';

/**
 * `end` is where a stream opened now starts: just past everything recorded so far. A token beyond it was
 * not issued by this server (yet).
 */
export function resolveStartPoint(
  start: StartOption,
  oplog: Oplog,
  end: Position,
  scope: StreamScope,
): StartPoint {
  switch (start.kind) {
    case 'now':
      return { position: end, nextSeq: oplog.endSeq, pendingInvalidate: null };
    case 'startAtOperationTime': {
      // A time in the future is legal: the stream waits for it.
      const position = timePosition(start.time);
      const key = positionKey(position);
      if (key < oplog.horizonKey) throw commandError(ErrorCodes.ChangeStreamHistoryLost, HISTORY_LOST);
      return { position, nextSeq: oplog.seqAfter(key), pendingInvalidate: null };
    }
    case 'resumeAfter':
    case 'startAfter':
      return resumeFromToken(start.kind, start.position, oplog, end, scope);
  }
}

function resumeFromToken(
  kind: 'resumeAfter' | 'startAfter',
  position: Position,
  oplog: Oplog,
  end: Position,
  scope: StreamScope,
): StartPoint {
  const tokenText = JSON.stringify(encodeResumeToken(position));
  if (position.invalidate && kind === 'resumeAfter') {
    throw commandError(
      ErrorCodes.InvalidResumeToken,
      "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.",
    );
  }
  const key = positionKey(position);
  if (key > positionKey(end)) {
    throw commandError(
      ErrorCodes.ChangeStreamFatalError,
      `cannot resume stream from a point in the future: ${tokenText}`,
    );
  }
  const eventKey = positionKey({ ...position, invalidate: false });
  if (eventKey < oplog.horizonKey) throw commandError(ErrorCodes.ChangeStreamHistoryLost, HISTORY_LOST);

  let pendingInvalidate: OplogEntry | null = null;
  if (position.kind === PositionKind.event && eventKey !== oplog.horizonKey) {
    const entry = oplog.find(eventKey);
    if (entry === undefined) {
      throw commandError(
        ErrorCodes.ChangeStreamFatalError,
        `cannot resume stream; the resume token was not found. ${tokenText}`,
      );
    }
    if (!position.invalidate && scope.invalidatedBy(entry.record)) pendingInvalidate = entry;
  }
  return { position, nextSeq: oplog.seqAfter(key), pendingInvalidate };
}
