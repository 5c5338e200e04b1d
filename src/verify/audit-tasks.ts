/** task-cascade's copies: each task's order_metadata.responsible equals its order's metadata.responsible. */
import { bsonEqual } from '../sync/bson-equal';
import type { SyncCollections } from '../sync/sync-job-context';
import { DriftKinds, type DriftReport } from './drift-report';
import { inBatches } from './in-batches';

export async function auditTasks(collections: SyncCollections, report: DriftReport): Promise<void> {
  const tasks = collections.tasks.find(
    { order_id: { $type: 'objectId' } },
    { projection: { order_id: 1, 'order_metadata.responsible': 1 } },
  );
  for await (const batch of inBatches(tasks)) {
    report.scanned.tasks += batch.length;
    const orderIds = [...new Map(batch.map(task => [String(task.order_id), task.order_id])).values()];
    const orders = await collections.orders
      .find({ _id: { $in: orderIds } }, { projection: { 'metadata.responsible': 1 } })
      .toArray();
    const arrays = new Map(orders.map(order => [String(order._id), order.metadata?.responsible as unknown]));
    for (const task of batch) {
      const expected = arrays.get(String(task.order_id));
      // Orders never given an array have nothing to cascade yet.
      if (!Array.isArray(expected)) continue;
      if (!bsonEqual(task.order_metadata?.responsible, expected)) {
        report.record(DriftKinds.taskResponsible, String(task._id));
        report.repairs.cascadeOrders.add(String(task.order_id));
      }
    }
  }
}
