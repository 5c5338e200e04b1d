/**
 * The server-side filter of SPEC §2 and §2b, for one database-level change stream. For users: inserts,
 * replaces, deletes, and updates that set or remove a watched field or any sub-path of one (`name.first`).
 * For orders, tasks, accounts and contacts (with `syncReferences`): inserts and replaces, and updates of the
 * fields that join them to users. updatedFields is a document whose keys are dotted paths, so the keys are
 * matched by regex through $objectToArray; removedFields is already an array of paths. Everything else
 * (`last_login`, and user-sync's own writes to `metadata.*`, `order_metadata.*`, `owner`, a contact's
 * `email`) never leaves the server, so it cannot enqueue anything, and the copies can never loop.
 */
import type { Document } from 'mongodb';
import type { CollectionNames } from '../config/config-types';

/** Fields copied into accounts, contacts, orders and tasks. */
export const PROFILE_FIELDS = ['name', 'email', 'phone', 'image'] as const;
/** Fields that decide whether, and for which account, owner-sync runs. */
export const OWNERSHIP_FIELDS = ['is_owner', 'account'] as const;
/** An order's fields that name users (SPEC §2b). */
export const ORDER_MEMBER_FIELDS = ['manager', 'specialist', 'assigned_user_ids'] as const;
/** A task's field that names its order. */
export const TASK_ORDER_FIELDS = ['order_id'] as const;
/** A contact's fields that decide whether it is an account's business contact. */
export const CONTACT_ROLE_FIELDS = ['type', 'account'] as const;

export function fieldPattern(fields: readonly string[]): string {
  return `^(${fields.join('|')})(\\.|$)`;
}

/** Changed paths of an update event, set or removed. */
const CHANGED_PATHS = {
  $concatArrays: [
    {
      $map: {
        input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } },
        in: '$$this.k',
      },
    },
    { $ifNull: ['$updateDescription.removedFields', []] },
  ],
};

function updateOf(fields: readonly string[]): Document {
  return {
    operationType: 'update',
    $expr: {
      $gt: [
        {
          $size: {
            $filter: {
              input: CHANGED_PATHS,
              cond: { $regexMatch: { input: '$$this', regex: fieldPattern(fields) } },
            },
          },
        },
        0,
      ],
    },
  };
}

const WRITTEN_WHOLE = { operationType: { $in: ['insert', 'replace'] } };

export interface WatchScope {
  collections: CollectionNames;
  /** SPEC §2b: also watch the join fields of orders, tasks, accounts and contacts. */
  syncReferences: boolean;
}

export function watchPipeline({ collections, syncReferences }: WatchScope): Document[] {
  const users = {
    'ns.coll': collections.users,
    $or: [
      { operationType: { $in: ['insert', 'replace', 'delete'] } },
      updateOf([...PROFILE_FIELDS, ...OWNERSHIP_FIELDS]),
    ],
  };
  const references = [
    { 'ns.coll': collections.orders, $or: [WRITTEN_WHOLE, updateOf(ORDER_MEMBER_FIELDS)] },
    { 'ns.coll': collections.tasks, $or: [WRITTEN_WHOLE, updateOf(TASK_ORDER_FIELDS)] },
    { 'ns.coll': collections.accounts, ...WRITTEN_WHOLE },
    // Only business contacts take a copy, which routing tests on the post-image. This filter reads no
    // fullDocument on purpose: the server then runs it before its post-image lookup (MongoDB's optimizer
    // moves such a $match ahead), so the many updates it rejects, user-sync's own writes included, cost no
    // lookup of their document.
    { 'ns.coll': collections.contacts, $or: [WRITTEN_WHOLE, updateOf(CONTACT_ROLE_FIELDS)] },
  ];
  return [
    { $match: syncReferences ? { $or: [users, ...references] } : users },
    // Only what routing needs travels to the listener: the changed paths, never their values, and of the
    // document only ids and flags, so no name, email or phone reaches its memory or logs.
    {
      $project: {
        operationType: 1,
        clusterTime: 1,
        documentKey: 1,
        'ns.coll': 1,
        'fullDocument.is_owner': 1,
        'fullDocument.order_id': 1,
        'fullDocument.account': 1,
        'fullDocument.type': 1,
        changedPaths: { $cond: [{ $eq: ['$operationType', 'update'] }, CHANGED_PATHS, []] },
      },
    },
  ];
}
