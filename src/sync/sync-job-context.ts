/** What a sync processor is given: `async (data, ctx) => result`, graphile-worker style. */
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import type { SyncQueueName } from '../queues/queue-names';

/** Native driver collections: processors need bulkWrite and arrayFilters exactly as MongoDB runs them. */
export interface SyncCollections {
  users: Collection<Document>;
  accounts: Collection<Document>;
  contacts: Collection<Document>;
  orders: Collection<Document>;
  tasks: Collection<Document>;
  /** identity-sync's record of deleted provider ids (`<users>.clerk_deletions`). */
  clerkDeletions?: Collection<Document>;
}

export interface FollowUpJob {
  data: Record<string, unknown>;
  /** Deterministic id, so a retried parent adds its follow-ups once. */
  jobId?: string;
}

export interface SyncJobContext {
  collections: SyncCollections;
  /** The running job's id; follow-up job ids derive from it so a retried job adds them once. */
  jobId: string;
  logger: Logger;
  /** Shown in the dashboard; 0..100. */
  reportProgress(percent: number): Promise<void>;
  /** Adds jobs to another sync queue (task-cascade after a rebuild, a continuation chunk). */
  enqueue(queue: SyncQueueName, jobs: FollowUpJob[]): Promise<void>;
  /**
   * Sends one subject of a batch to dead-letter, as the job of its own that `data` describes, so that
   * `replay --id` re-drives exactly it (SPEC §5); the job goes on with its other subjects. Idempotent.
   */
  rejectSubject(subject: string, data: Record<string, unknown>, error: Error): Promise<void>;
}
