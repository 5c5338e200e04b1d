/**
 * The in-place path shared by orders and tasks: the element of a UserMeta array whose `id` is the user
 * becomes UserMeta(user), and only it. One updateMany with arrayFilters, atomic per document, so two users
 * of the same array updated at once both land, and the cost does not grow with the number of documents.
 */
import type { Collection, Document } from 'mongodb';
import type { UserDocument } from './user-document';
import { toUserMeta } from './user-meta';

export async function replaceMemberInPlace(
  collection: Collection<Document>,
  arrayPath: string,
  user: UserDocument,
  extraFilter: Document = {},
): Promise<{ matched: number; modified: number }> {
  const result = await collection.updateMany(
    { ...extraFilter, [`${arrayPath}.id`]: user._id },
    { $set: { [`${arrayPath}.$[member]`]: toUserMeta(user) } },
    { arrayFilters: [{ 'member.id': user._id }] },
  );
  return { matched: result.matchedCount, modified: result.modifiedCount };
}
