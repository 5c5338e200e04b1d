/**
 * Which jobs one change causes (SPEC §2 for users, §2b for the documents that reference them), decided
 * from the event alone. Each routed job names one subject: a user, an order or an account. Ids derive from
 * the event, so an event delivered twice (after a crash) adds each job once.
 */
import type { Document } from 'mongodb';
import type { CollectionNames } from '../config/config-types';
import { isObjectId } from '../sync/job-data';
import type { SyncQueueName } from '../queues/queue-names';
import { routeReferenceChange } from './route-reference-change';
import { routeUserChange } from './route-user-change';

/** What a job is about, and the key of its ids in the job's data. */
export const SubjectKinds = { user: 'userIds', order: 'orderIds', account: 'accountIds' } as const;
export type SubjectKind = keyof typeof SubjectKinds;

/** A job one event asks for, before the listener groups a batch's jobs per queue and subject kind. */
export interface Route {
  queue: SyncQueueName;
  kind: SubjectKind;
  /** The subject's id as stored; routing checks it is an ObjectId. */
  id: unknown;
}

export interface RoutedJob {
  queue: SyncQueueName;
  kind: SubjectKind;
  /** The subject, hex. */
  subjectId: string;
  cause: { operationType: string; clusterTime: string };
  /** Unique per event, job type and subject; BullMQ ignores a second add with the same id. */
  jobId: string;
  /** Coalesces changes of one subject while its job waits; see enqueue-routed-jobs.ts. */
  deduplicationId: string;
}

export class MalformedChangeEventError extends Error {
  override readonly name = 'MalformedChangeEventError';
}

export function routeChange(event: Document, collections: CollectionNames): RoutedJob[] {
  const clusterTime = event.clusterTime as
    { t?: number; i?: number; high?: number; low?: number } | undefined;
  if (clusterTime === undefined || typeof clusterTime !== 'object') {
    throw new MalformedChangeEventError('change event has no clusterTime');
  }
  const collection: unknown = event.ns?.coll;
  const routes =
    collection === collections.users ? routeUserChange(event) : routeReferenceChange(event, collections);
  const time = `${clusterTime.t ?? clusterTime.high}.${clusterTime.i ?? clusterTime.low}`;
  const cause = { operationType: String(event.operationType), clusterTime: time };
  return routes.map(({ queue, kind, id }) => {
    if (!isObjectId(id)) {
      throw new MalformedChangeEventError(`change event of ${String(collection)} names no ObjectId ${kind}`);
    }
    const hex = id.toHexString();
    // User jobs keep their historical ids, so jobs added before an upgrade still coalesce with new ones.
    const subject = kind === 'user' ? hex : `${kind}-${hex}`;
    return {
      queue,
      kind,
      subjectId: hex,
      cause,
      jobId: `${queue}-${subject}-${time.replace('.', '-')}`,
      deduplicationId: `${queue}-${subject}`,
    };
  });
}
