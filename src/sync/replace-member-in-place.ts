/**
 * The in-place path of orders: the element of a UserMeta array whose `id` is the user becomes
 * UserMeta(user), and only it. An updateMany with arrayFilters per user, atomic per document, so two users
 * of the same array updated at once both land, and the cost does not grow with the number of documents.
 * Tasks take the same statement with a `$ne` guard (cascade-member-change.ts): their straggler count
 * needs every task a statement matches to be one it modifies.
 */
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { UserDocument } from './user-document';
import { toUserMeta } from './user-meta';

export async function replaceMembersInPlace(
  collection: Collection<Document>,
  arrayPath: string,
  users: readonly UserDocument[],
  extraFilter: (user: UserDocument) => Document = () => ({}),
): Promise<{ matched: number; modified: number }> {
  if (users.length === 0) return { matched: 0, modified: 0 };
  // One statement per user, all in one command: a batch costs one round trip.
  const writes: AnyBulkWriteOperation<Document>[] = users.map(user => ({
    updateMany: {
      filter: { ...extraFilter(user), [`${arrayPath}.id`]: user._id },
      update: { $set: { [`${arrayPath}.$[member]`]: toUserMeta(user) } },
      arrayFilters: [{ 'member.id': user._id }],
    },
  }));
  const result = await collection.bulkWrite(writes, { ordered: false });
  return { matched: result.matchedCount, modified: result.modifiedCount };
}
