/**
 * task-cascade: every task of an order carries the order's current `metadata.responsible`. Copied as read
 * at run time and re-checked after writing, so a cascade that raced a newer order write converges on it.
 */
import type { AnyBulkWriteOperation, Document, ObjectId } from 'mongodb';
import { writeUntilSettled } from './settle';
import type { SyncCollections } from './sync-job-context';

/** Present, and not an embedded document (null, a string, an array...). */
const NOT_A_DOCUMENT = { $exists: true, $not: { $type: 'object' } };

export interface CopyResult {
  ordersCopied: number;
  tasksUpdated: number;
}

export async function copyResponsibleToTasks(
  collections: SyncCollections,
  orderIds: ObjectId[],
): Promise<CopyResult> {
  return writeUntilSettled(
    () => readResponsibleArrays(collections, orderIds),
    async arrays => {
      const withNonDocumentTasks = await ordersWithNonDocumentTasks(
        collections,
        arrays.map(({ _id }) => _id),
      );
      const writes: AnyBulkWriteOperation<Document>[] = arrays.flatMap(({ _id, responsible }) => {
        const copy: AnyBulkWriteOperation<Document> = {
          updateMany: {
            filter: {
              order_id: _id,
              'order_metadata.responsible': { $ne: responsible },
              $or: [{ order_metadata: { $exists: false } }, { order_metadata: { $type: 'object' } }],
            },
            update: { $set: { 'order_metadata.responsible': responsible } },
          },
        };
        if (!withNonDocumentTasks.has(_id.toHexString())) return [copy];
        // A task created with `order_metadata: null` (or any non-document) cannot take a sub-field: it is
        // given the whole document instead, or every write to it would fail and the task never converge.
        const replaceNonDocument: AnyBulkWriteOperation<Document> = {
          updateMany: {
            filter: { order_id: _id, order_metadata: NOT_A_DOCUMENT },
            update: { $set: { order_metadata: { responsible } } },
          },
        };
        return [copy, replaceNonDocument];
      });
      if (writes.length === 0) return { ordersCopied: 0, tasksUpdated: 0 };
      const result = await collections.tasks.bulkWrite(writes, { ordered: false });
      return { ordersCopied: arrays.length, tasksUpdated: result.modifiedCount };
    },
  );
}

/**
 * One `distinct` for the whole batch instead of a second statement per order: such tasks are rare (a task
 * inserted bare), and 10,000 statements that match nothing still cost the server a lookup each.
 */
async function ordersWithNonDocumentTasks(
  collections: SyncCollections,
  orderIds: ObjectId[],
): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const ids = await collections.tasks.distinct('order_id', {
    order_id: { $in: orderIds },
    order_metadata: NOT_A_DOCUMENT,
  });
  return new Set(ids.map(id => String(id)));
}

/** Orders without an array (never rebuilt) have nothing to cascade. */
async function readResponsibleArrays(
  collections: SyncCollections,
  orderIds: ObjectId[],
): Promise<{ _id: ObjectId; responsible: unknown[] }[]> {
  const orders = await collections.orders
    .find({ _id: { $in: orderIds } }, { projection: { 'metadata.responsible': 1 } })
    .sort({ _id: 1 })
    .toArray();
  return orders.flatMap(order => {
    const responsible = (order as { metadata?: { responsible?: unknown } }).metadata?.responsible;
    return Array.isArray(responsible) ? [{ _id: order._id as ObjectId, responsible }] : [];
  });
}
