/** SPEC §2: what a change of user U causes. */
import type { Document } from 'mongodb';
import { QueueNames, type SyncQueueName } from '../queues/queue-names';
import { changedPaths } from './changed-paths';
import type { Route } from './route-change';
import { fieldPattern, OWNERSHIP_FIELDS, PROFILE_FIELDS } from './watch-pipeline';

const profilePath = new RegExp(fieldPattern(PROFILE_FIELDS));
const ownershipPath = new RegExp(fieldPattern(OWNERSHIP_FIELDS));

const TEAM_QUEUES: SyncQueueName[] = [
  QueueNames.managerSync,
  QueueNames.specialistSync,
  QueueNames.responsibleRebuild,
];

export function routeUserChange(event: Document): Route[] {
  const id: unknown = event.documentKey?._id;
  return userQueues(event).map(queue => ({ queue, kind: 'user', id }));
}

function userQueues(event: Document): SyncQueueName[] {
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
