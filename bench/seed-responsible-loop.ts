/**
 * BENCH-ONLY. A faithful re-implementation of the seed trigger's "Step 4: Responsible Array Updates"
 * (shared/seeds/000_f414d90fabdc7352.txt), kept so the benchmark can run the approach user-sync replaces
 * side by side with it. Not used by the service; do not import it from src/ or jobs/.
 *
 * Differences from the seed, all in the seed's favour: the native driver instead of mongoose `.lean()`
 * (no model layer), and the user comes in as the change event's `fullDocument` would, without a read.
 */
import type { Document, ObjectId } from 'mongodb';
import type { SyncCollections } from '../src/sync/sync-job-context';

export async function seedResponsibleLoop(
  collections: SyncCollections,
  fullDocument: Document,
): Promise<number> {
  const userMetadata = {
    id: fullDocument._id,
    name: fullDocument.name,
    email: fullDocument.email,
    phone: fullDocument.phone || '',
    image: fullDocument.image,
  };
  const ordersWithUser = await collections.orders
    .find(
      { assigned_user_ids: fullDocument._id },
      { projection: { _id: 1, assigned_user_ids: 1, 'metadata.responsible': 1 } },
    )
    .toArray();
  for (const order of ordersWithUser) {
    let responsible: Document[] = Array.isArray(order.metadata?.responsible)
      ? order.metadata.responsible
      : [];
    const userIndex = responsible.findIndex(
      user => user.id && (user.id as ObjectId).toString() === (fullDocument._id as ObjectId).toString(),
    );
    if (userIndex >= 0) {
      // Update existing user
      responsible[userIndex] = userMetadata;
    } else {
      // Rebuild entire array from assigned_user_ids
      responsible = await collections.users
        .find(
          { _id: { $in: order.assigned_user_ids || [] } },
          { projection: { id: '$_id', _id: 0, name: 1, email: 1, phone: 1, image: 1 } },
        )
        .toArray();
    }
    // Update order and tasks: two round trips per order, the cost user-sync removes.
    await collections.orders.updateOne({ _id: order._id }, { $set: { 'metadata.responsible': responsible } });
    await collections.tasks.updateMany(
      { order_id: order._id },
      { $set: { 'order_metadata.responsible': responsible } },
    );
  }
  return ordersWithUser.length;
}
