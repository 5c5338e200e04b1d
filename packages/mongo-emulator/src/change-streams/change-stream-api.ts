/**
 * What the command layer asks of change streams. `aggregate` whose first stage is `$changeStream` is
 * handed to `open()`; the returned cursor is registered like any other and drained by getMore.
 */
import type { ChangeSink, ClusterClock, Document, ServerCursor } from '../types';

export interface ChangeStreamScope {
  /** Database for collection- and database-level streams; 'admin' with allChangesForCluster. */
  db: string;
  /** Collection name for a collection stream; null for database- or cluster-level. */
  coll: string | null;
  allChangesForCluster: boolean;
}

export interface ChangeStreamService extends ChangeSink, ClusterClock {
  /**
   * `changeStreamSpec` is the `$changeStream` stage's document (fullDocument, fullDocumentBeforeChange,
   * resumeAfter, startAfter, startAtOperationTime, showExpandedEvents...); `pipeline` the stages after it.
   * Throws ChangeStreamHistoryLost (286) when the resume point fell out of the bounded history, and
   * InvalidResumeToken / ChangeStreamFatalError for a token this server never issued: never silently
   * starts from now.
   */
  open(scope: ChangeStreamScope, changeStreamSpec: Document, pipeline: Document[]): ServerCursor;
}
