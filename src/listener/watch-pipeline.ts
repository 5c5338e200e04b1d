/**
 * The server-side filter of SPEC §2: inserts, replaces, deletes, and updates that set or remove a watched
 * field or any sub-path of one (`name.first`). updatedFields is a document whose keys are dotted paths, so
 * the keys are matched by regex through $objectToArray; removedFields is already an array of paths.
 * Everything else (`last_login`, ...) never leaves the server, so it cannot enqueue anything.
 */
import type { Document } from 'mongodb';

/** Fields copied into accounts, contacts, orders and tasks. */
export const PROFILE_FIELDS = ['name', 'email', 'phone', 'image'] as const;
/** Fields that decide whether, and for which account, owner-sync runs. */
export const OWNERSHIP_FIELDS = ['is_owner', 'account'] as const;

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

export function watchPipeline(): Document[] {
  const watched = fieldPattern([...PROFILE_FIELDS, ...OWNERSHIP_FIELDS]);
  return [
    {
      $match: {
        $or: [
          { operationType: { $in: ['insert', 'replace', 'delete'] } },
          {
            operationType: 'update',
            $expr: {
              $gt: [
                {
                  $size: {
                    $filter: {
                      input: CHANGED_PATHS,
                      cond: { $regexMatch: { input: '$$this', regex: watched } },
                    },
                  },
                },
                0,
              ],
            },
          },
        ],
      },
    },
    // Only what routing needs travels to the listener: the changed paths, never their values, so no
    // name, email or phone reaches its memory or logs.
    {
      $project: {
        operationType: 1,
        clusterTime: 1,
        documentKey: 1,
        'fullDocument.is_owner': 1,
        changedPaths: { $cond: [{ $eq: ['$operationType', 'update'] }, CHANGED_PATHS, []] },
      },
    },
  ];
}
