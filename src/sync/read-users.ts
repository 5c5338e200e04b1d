import type { Document, ObjectId } from 'mongodb';
import { toObjectId } from './job-data';
import type { SyncCollections } from './sync-job-context';
import { InvalidUserError, parseUserDocument, type UserDocument } from './user-document';

/** The fields any rule reads from a user. */
export const USER_FIELDS = {
  _id: 1,
  name: 1,
  email: 1,
  phone: 1,
  image: 1,
  account: 1,
  is_owner: 1,
} as const;

/**
 * The users of a batch as stored, unvalidated, keyed by hex id (absent: deleted); one query. Settling
 * compares these, and each is validated on its own, so one invalid user fails only itself.
 */
export async function readRawUsers(
  collections: SyncCollections,
  ids: readonly (ObjectId | string)[],
): Promise<Map<string, Document>> {
  const users = new Map<string, Document>();
  if (ids.length === 0) return users;
  const objectIds = ids.map(id => (typeof id === 'string' ? toObjectId(id) : id));
  // One reply for the whole batch: a batch one larger than the result lets the server close the cursor.
  const cursor = collections.users.find(
    { _id: { $in: objectIds } },
    { projection: USER_FIELDS, batchSize: objectIds.length + 1 },
  );
  for await (const raw of cursor) users.set(String(raw._id), raw);
  return users;
}

/** A batch's users sorted by what a processor does with them. */
export interface UserBatch {
  valid: UserDocument[];
  /** Hex ids of users that no longer exist. */
  missing: string[];
  /** Users no retry can fix, each with the error that names its fields; a processor may add to it. */
  invalid: Map<string, InvalidUserError>;
  /** What happened to each user, for the job's return value; a processor may refine it. */
  outcomes: Map<string, string>;
}

export function sortUsers(keys: readonly string[], raws: Map<string, Document>): UserBatch {
  const batch: UserBatch = { valid: [], missing: [], invalid: new Map(), outcomes: new Map() };
  for (const key of keys) {
    const raw = raws.get(key);
    if (raw === undefined) {
      batch.missing.push(key);
      batch.outcomes.set(key, 'user-not-found');
      continue;
    }
    try {
      batch.valid.push(parseUserDocument(raw));
      batch.outcomes.set(key, 'synced');
    } catch (error) {
      if (!(error instanceof InvalidUserError)) throw error;
      batch.invalid.set(key, error);
    }
  }
  return batch;
}
