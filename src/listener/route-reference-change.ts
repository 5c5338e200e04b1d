/**
 * SPEC §2b: what a change of a document that references users causes. The jobs are the user jobs' own,
 * scoped to the changed document: an order's team copies and responsible list (which cascades to its
 * tasks), a task's order (whose array is copied to its tasks), an account's owner copies. Deletes cause
 * nothing: a deleted document holds no copy.
 */
import type { Document, ObjectId } from 'mongodb';
import type { CollectionNames } from '../config/config-types';
import { QueueNames } from '../queues/queue-names';
import { isObjectId } from '../sync/job-data';
import { changedPaths } from './changed-paths';
import type { Route } from './route-change';
import { fieldPattern } from './watch-pipeline';

const pathOf = (field: string) => new RegExp(fieldPattern([field]));
const ORDER_FIELD_QUEUES = [
  { path: pathOf('manager'), queue: QueueNames.managerSync },
  { path: pathOf('specialist'), queue: QueueNames.specialistSync },
  { path: pathOf('assigned_user_ids'), queue: QueueNames.responsibleRebuild },
] as const;

export function routeReferenceChange(event: Document, collections: CollectionNames): Route[] {
  const whole = event.operationType === 'insert' || event.operationType === 'replace';
  if (!whole && event.operationType !== 'update') return [];
  switch (event.ns?.coll) {
    case collections.orders: {
      const id: unknown = event.documentKey?._id;
      const paths = whole ? [] : changedPaths(event);
      return ORDER_FIELD_QUEUES.filter(({ path }) => whole || paths.some(changed => path.test(changed))).map(
        ({ queue }) => ({ queue, kind: 'order', id }),
      );
    }
    case collections.tasks:
      // The task's order, as it is now: its array is copied to all of its tasks, this one included.
      return referenced(event.fullDocument?.order_id, id => ({
        queue: QueueNames.taskCascade,
        kind: 'order',
        id,
      }));
    case collections.accounts:
      return whole ? [{ queue: QueueNames.ownerSync, kind: 'account', id: event.documentKey?._id }] : [];
    case collections.contacts:
      // Only business contacts take a copy. Tested here, not in the server-side filter: a filter reading
      // fullDocument would make the server look up the post-image of every update it tests.
      if (event.fullDocument?.type !== 'business') return [];
      return referenced(event.fullDocument?.account, id => ({
        queue: QueueNames.ownerSync,
        kind: 'account',
        id,
      }));
    default:
      return [];
  }
}

/**
 * A task without an order, or a contact without an account (or one deleted since the event), references
 * nobody: it holds no copy, so it causes nothing, and is not a malformed event.
 */
function referenced(id: unknown, route: (id: ObjectId) => Route): Route[] {
  return isObjectId(id) ? [route(id)] : [];
}
