/**
 * Which jobs one change causes (SPEC §2), decided from the event alone. All jobs of an event are enqueued
 * in one addBulk; ids derive from the event, so an event delivered twice (after a crash) adds each job once.
 */
import type { Document } from 'mongodb';
import { QueueNames, type SyncQueueName } from '../queues/queue-names';
import { fieldPattern, OWNERSHIP_FIELDS, PROFILE_FIELDS } from './watch-pipeline';

export interface RoutedJob {
  queue: SyncQueueName;
  data: { userId: string; cause: { operationType: string; clusterTime: string } };
  /** Unique per event and job type; BullMQ ignores a second add with the same id. */
  jobId: string;
  /** Coalesces changes of one user while its job waits; see enqueue-routed-jobs.ts. */
  deduplicationId: string;
}

export class MalformedChangeEventError extends Error {
  override readonly name = 'MalformedChangeEventError';
}

const profilePath = new RegExp(fieldPattern(PROFILE_FIELDS));
const ownershipPath = new RegExp(fieldPattern(OWNERSHIP_FIELDS));

export function routeChange(event: Document): RoutedJob[] {
  const userId = event.documentKey?._id;
  if ((userId as { _bsontype?: string } | undefined)?._bsontype !== 'ObjectId') {
    throw new MalformedChangeEventError('change event has no ObjectId documentKey._id');
  }
  const clusterTime = event.clusterTime as
    { t?: number; i?: number; high?: number; low?: number } | undefined;
  if (clusterTime === undefined || typeof clusterTime !== 'object') {
    throw new MalformedChangeEventError('change event has no clusterTime');
  }
  const queues = queuesFor(event);
  const time = `${clusterTime.t ?? clusterTime.high}.${clusterTime.i ?? clusterTime.low}`;
  const hex = String(userId);
  return queues.map(queue => ({
    queue,
    data: { userId: hex, cause: { operationType: String(event.operationType), clusterTime: time } },
    jobId: `${queue}-${hex}-${time.replace('.', '-')}`,
    deduplicationId: `${queue}-${hex}`,
  }));
}

function queuesFor(event: Document): SyncQueueName[] {
  const isOwner = event.fullDocument?.is_owner === true;
  switch (event.operationType) {
    case 'insert':
      return isOwner ? [QueueNames.ownerSync] : [];
    case 'replace':
      return [...(isOwner ? [QueueNames.ownerSync] : []), ...TEAM_QUEUES];
    case 'update': {
      const paths = changedPaths(event);
      const profile = paths.some(path => profilePath.test(path));
      const ownership = paths.some(path => ownershipPath.test(path));
      // An update lookup that found nothing (deleted since) is resolved by owner-sync reading the user.
      const ownerMayMatter = isOwner || event.fullDocument == null;
      return [
        ...((profile && ownerMayMatter) || ownership ? [QueueNames.ownerSync] : []),
        ...(profile ? TEAM_QUEUES : []),
      ];
    }
    case 'delete':
      return [QueueNames.responsibleRebuild];
    default:
      return [];
  }
}

const TEAM_QUEUES: SyncQueueName[] = [
  QueueNames.managerSync,
  QueueNames.specialistSync,
  QueueNames.responsibleRebuild,
];

function changedPaths(event: Document): string[] {
  if (Array.isArray(event.changedPaths)) return event.changedPaths.map(String);
  const updated = event.updateDescription?.updatedFields;
  const removed = event.updateDescription?.removedFields;
  return [
    ...(updated && typeof updated === 'object' ? Object.keys(updated) : []),
    ...(Array.isArray(removed) ? removed.map(String) : []),
  ];
}
