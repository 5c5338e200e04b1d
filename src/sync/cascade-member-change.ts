/**
 * task-cascade after an in-place change of U: tasks must equal their order's array (SPEC §2). Tasks that
 * mirror it already hold U's element, so one arrayFilters statement updates them all; tasks of U's orders
 * that lack the element (created without the array, or drifted) get the order's whole array instead.
 * Three statements whatever the number of orders, plus one bulkWrite only when stragglers exist.
 */
import type { ObjectId } from 'mongodb';
import { copyResponsibleToTasks } from './copy-responsible-to-tasks';
import { replaceMemberInPlace } from './replace-member-in-place';
import type { SyncCollections } from './sync-job-context';
import type { UserDocument } from './user-document';

/** Large enough that U's order ids arrive in the first batch: ids are 12 bytes each. */
const ORDER_ID_BATCH = 100_000;

export async function cascadeMemberChange(
  collections: SyncCollections,
  user: UserDocument,
): Promise<{ ordersCopied: number; tasksUpdated: number }> {
  const inPlace = await replaceMemberInPlace(collections.tasks, 'order_metadata.responsible', user);
  const stragglers = await ordersWithTasksMissing(collections, user._id);
  if (stragglers.length === 0) return { ordersCopied: 0, tasksUpdated: inPlace.modified };
  const copied = await copyResponsibleToTasks(collections, stragglers);
  return { ordersCopied: copied.ordersCopied, tasksUpdated: inPlace.modified + copied.tasksUpdated };
}

async function ordersWithTasksMissing(collections: SyncCollections, userId: ObjectId): Promise<ObjectId[]> {
  const orders = await collections.orders
    .find({ assigned_user_ids: userId, 'metadata.responsible.id': userId }, { projection: { _id: 1 } })
    .batchSize(ORDER_ID_BATCH)
    .toArray();
  if (orders.length === 0) return [];
  return (await collections.tasks.distinct('order_id', {
    order_id: { $in: orders.map(order => order._id) },
    'order_metadata.responsible.id': { $ne: userId },
  })) as ObjectId[];
}
