/**
 * task-cascade after in-place changes of a batch of users: tasks must equal their order's array (SPEC §2).
 * Tasks that mirror their order already hold each user's element, so one arrayFilters statement per user
 * updates them all; tasks of those orders that lack a user's element (created without the array, or
 * drifted) get their order's whole array instead. Three commands whatever the batch size or fan-out (the
 * users, their orders, one bulkWrite on tasks); naming and copying stragglers costs more only when some
 * exist.
 */
import type { AnyBulkWriteOperation, Document, ObjectId } from 'mongodb';
import { copyResponsibleToTasks } from './copy-responsible-to-tasks';
import { memberIds } from './rebuild-orders';
import type { SyncCollections } from './sync-job-context';
import type { UserDocument } from './user-document';
import { toUserMeta } from './user-meta';

/** Large enough that the batch's order ids arrive in the first batch: ids are 12 bytes each. */
const ID_BATCH = 100_000;

const ARRAY = 'order_metadata.responsible';

/** The orders holding some of a batch's users, as read for those users (their ids as strings). */
export interface MemberOrders {
  userKeys: ReadonlySet<string>;
  orders: Promise<Document[]>;
}

/**
 * Needs only the users' ids, so task-cascade starts it before it reads the users and the two travel
 * together: the tasks' write waits for no extra round trip.
 */
export function findMemberOrders(collections: SyncCollections, userIds: readonly ObjectId[]): MemberOrders {
  const orders = collections.orders
    .find(
      { assigned_user_ids: { $in: userIds }, 'metadata.responsible.id': { $in: userIds } },
      // Which batch users each order holds matters only when the batch has several.
      { projection: userIds.length > 1 ? { 'metadata.responsible.id': 1 } : { _id: 1 } },
    )
    .batchSize(ID_BATCH)
    .toArray();
  // Awaited by the write; one left unused (a batch user turned out deleted or invalid, so the write asks
  // again for the users it has) must not become an unhandled rejection.
  orders.catch(() => undefined);
  return { userKeys: new Set(userIds.map(String)), orders };
}

export async function cascadeMembersChange(
  collections: SyncCollections,
  users: readonly UserDocument[],
  started?: MemberOrders,
): Promise<{ ordersCopied: number; tasksUpdated: number }> {
  if (users.length === 0) return { ordersCopied: 0, tasksUpdated: 0 };
  const userIds = users.map(user => user._id);
  const orders = await (sameUsers(started?.userKeys, userIds)
    ? (started as MemberOrders).orders
    : findMemberOrders(collections, userIds).orders);
  const orderIds = orders.map(order => order._id as ObjectId);
  const writes: AnyBulkWriteOperation<Document>[] = users.map(user => {
    const meta = toUserMeta(user);
    return {
      updateMany: {
        // The `$ne` makes every task this statement matches one it modifies, so that what the command
        // matched without modifying is exactly the straggler count below.
        filter: { [`${ARRAY}.id`]: user._id, [ARRAY]: { $ne: meta } },
        update: { $set: { [`${ARRAY}.$[member]`]: meta } },
        arrayFilters: [{ 'member.id': user._id }],
      },
    };
  });
  if (orderIds.length > 0) {
    // Counts, in the same command, the tasks of those orders holding none of the users: a no-op update
    // (`$setOnInsert` without upsert) is matched, never modified, and costs no round trip of its own.
    writes.push({
      updateMany: {
        filter: { order_id: { $in: orderIds }, [`${ARRAY}.id`]: { $nin: userIds } },
        update: { $setOnInsert: { order_id: null } },
      },
    });
  }
  const written = await collections.tasks.bulkWrite(writes, { ordered: false });
  const stragglers = await ordersWithTasksMissing(
    collections,
    userIds,
    orders,
    written.matchedCount - written.modifiedCount,
  );
  if (stragglers.length === 0) return { ordersCopied: 0, tasksUpdated: written.modifiedCount };
  const copied = await copyResponsibleToTasks(collections, stragglers);
  return {
    ordersCopied: copied.ordersCopied,
    tasksUpdated: written.modifiedCount + copied.tasksUpdated,
  };
}

function sameUsers(keys: ReadonlySet<string> | undefined, userIds: readonly ObjectId[]): boolean {
  return keys !== undefined && keys.size === userIds.length && userIds.every(id => keys.has(String(id)));
}

/**
 * Orders of the users with a task that may lack one of those users: those with a task holding none of
 * them (asked for, with one `distinct`, only when the write counted such tasks), and those holding several
 * batch users, whose tasks may hold one and lack another. The copy step rewrites only tasks that differ.
 */
async function ordersWithTasksMissing(
  collections: SyncCollections,
  userIds: ObjectId[],
  orders: Document[],
  tasksHoldingNone: number,
): Promise<ObjectId[]> {
  if (orders.length === 0) return [];
  const batchUsers = new Set(userIds.map(String));
  const several = orders.filter(
    order => memberIds(order.metadata?.responsible).filter(id => batchUsers.has(id)).length > 1,
  );
  const lacking =
    tasksHoldingNone > 0
      ? ((await collections.tasks.distinct('order_id', {
          order_id: { $in: orders.map(order => order._id as ObjectId) },
          [`${ARRAY}.id`]: { $nin: userIds },
        })) as ObjectId[])
      : [];
  return [
    ...new Map(
      [...lacking, ...several.map(order => order._id as ObjectId)].map(id => [String(id), id]),
    ).values(),
  ];
}
