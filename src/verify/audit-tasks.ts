/**
 * task-cascade's copies: each task's order_metadata.responsible equals its order's metadata.responsible.
 * Checked for the orders the order audit has in hand, with one query per batch of orders for their tasks:
 * the orders are read once for both audits, and tasks are never looked up one by one.
 */
import type { Document } from 'mongodb';
import { bsonEqual } from '../sync/bson-equal';
import { assignedIds } from '../sync/rebuild-orders';
import type { SyncCollections } from '../sync/sync-job-context';
import { DriftKinds, type DriftReport } from './drift-report';
import { inBatches } from './in-batches';

export async function auditTasksOf(
  collections: SyncCollections,
  orders: readonly Document[],
  report: DriftReport,
): Promise<void> {
  // Orders never given an array have nothing to cascade yet.
  const expected = new Map<string, unknown[]>();
  const assigned = new Map<string, string[]>();
  for (const order of orders) {
    const responsible = order.metadata?.responsible;
    if (!Array.isArray(responsible)) continue;
    expected.set(String(order._id), responsible);
    assigned.set(
      String(order._id),
      assignedIds(order).map(id => id.toHexString()),
    );
  }
  if (expected.size === 0) return;
  const tasks = collections.tasks.find(
    { order_id: { $in: orders.filter(order => expected.has(String(order._id))).map(order => order._id) } },
    { projection: { order_id: 1, 'order_metadata.responsible': 1 } },
  );
  for await (const batch of inBatches(tasks)) {
    report.scanned.tasks += batch.length;
    for (const task of batch) {
      const array = expected.get(String(task.order_id));
      if (array !== undefined && !bsonEqual(task.order_metadata?.responsible, array)) {
        const orderId = String(task.order_id);
        // A rebuild for any of the order's users cascades to its tasks: their jobs set this copy right too.
        report.record(DriftKinds.taskResponsible, String(task._id), {
          users: assigned.get(orderId) ?? [],
          orders: [orderId],
        });
        report.repairs.cascadeOrders.add(String(task.order_id));
      }
    }
  }
}
