/**
 * task-cascade after in-place changes of a batch of users: tasks must equal their order's array (SPEC §2).
 * Tasks that mirror their order already hold each user's element, so one arrayFilters statement per user
 * (one command for the batch) updates them all; tasks of those orders that lack a user's element (created
 * without the array, or drifted) get their order's whole array instead. A fixed number of commands
 * whatever the batch size or fan-out, plus one bulkWrite only when stragglers exist.
 */
import type { ObjectId } from 'mongodb';
import { copyResponsibleToTasks } from './copy-responsible-to-tasks';
import { memberIds } from './rebuild-orders';
import { replaceMembersInPlace } from './replace-member-in-place';
import type { SyncCollections } from './sync-job-context';
import type { UserDocument } from './user-document';

/** Large enough that the batch's order ids arrive in the first batch: ids are 12 bytes each. */
const ID_BATCH = 100_000;

export async function cascadeMembersChange(
  collections: SyncCollections,
  users: readonly UserDocument[],
): Promise<{ ordersCopied: number; tasksUpdated: number }> {
  if (users.length === 0) return { ordersCopied: 0, tasksUpdated: 0 };
  const inPlace = await replaceMembersInPlace(collections.tasks, 'order_metadata.responsible', users);
  const stragglers = await ordersWithTasksMissing(
    collections,
    users.map(user => user._id),
  );
  if (stragglers.length === 0) return { ordersCopied: 0, tasksUpdated: inPlace.modified };
  const copied = await copyResponsibleToTasks(collections, stragglers);
  return { ordersCopied: copied.ordersCopied, tasksUpdated: inPlace.modified + copied.tasksUpdated };
}

/**
 * Orders of the users (holding them in their array) with a task that may lack one of those users: those
 * with a task holding none of them (one `distinct`, answered on the server), and those holding several
 * batch users, whose tasks may hold one and lack another. The copy step rewrites only tasks that differ.
 */
async function ordersWithTasksMissing(
  collections: SyncCollections,
  userIds: ObjectId[],
): Promise<ObjectId[]> {
  const orders = await collections.orders
    .find(
      { assigned_user_ids: { $in: userIds }, 'metadata.responsible.id': { $in: userIds } },
      // Which batch users each order holds matters only when the batch has several.
      { projection: userIds.length > 1 ? { 'metadata.responsible.id': 1 } : { _id: 1 } },
    )
    .batchSize(ID_BATCH)
    .toArray();
  if (orders.length === 0) return [];
  const batchUsers = new Set(userIds.map(String));
  const several = orders.filter(
    order => memberIds(order.metadata?.responsible).filter(id => batchUsers.has(id)).length > 1,
  );
  const lacking = (await collections.tasks.distinct('order_id', {
    order_id: { $in: orders.map(order => order._id as ObjectId) },
    'order_metadata.responsible.id': { $nin: userIds },
  })) as ObjectId[];
  return [
    ...new Map(
      [...lacking, ...several.map(order => order._id as ObjectId)].map(id => [String(id), id]),
    ).values(),
  ];
}
