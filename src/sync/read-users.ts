import type { ObjectId } from 'mongodb';
import type { SyncCollections } from './sync-job-context';
import { parseUserDocument, type UserDocument } from './user-document';

const USER_FIELDS = { _id: 1, name: 1, email: 1, phone: 1, image: 1, account: 1, is_owner: 1 } as const;

/** The current user, validated; null when it no longer exists (deleted). */
export async function readUser(collections: SyncCollections, userId: ObjectId): Promise<UserDocument | null> {
  const raw = await collections.users.findOne({ _id: userId }, { projection: USER_FIELDS });
  return raw === null ? null : parseUserDocument(raw);
}

/** Every existing user among `ids`, validated, keyed by hex id; one query whatever the count. */
export async function readUsersById(
  collections: SyncCollections,
  ids: ObjectId[],
): Promise<Map<string, UserDocument>> {
  const users = new Map<string, UserDocument>();
  if (ids.length === 0) return users;
  const cursor = collections.users.find({ _id: { $in: ids } }, { projection: USER_FIELDS });
  for await (const raw of cursor) {
    const user = parseUserDocument(raw);
    users.set(user._id.toHexString(), user);
  }
  return users;
}
