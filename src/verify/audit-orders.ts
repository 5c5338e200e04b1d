/**
 * The copies on orders: the manager and specialist metadata, and metadata.responsible. A deleted manager or
 * specialist keeps its copy (SPEC §2), so only existing users are compared.
 */
import type { Document, ObjectId } from 'mongodb';
import { bsonEqual } from '../sync/bson-equal';
import { assignedIds } from '../sync/rebuild-orders';
import type { SyncCollections } from '../sync/sync-job-context';
import type { UserDocument } from '../sync/user-document';
import { toUserMeta } from '../sync/user-meta';
import { validUsers } from './audit-owners';
import { DriftKinds, type DriftReport } from './drift-report';
import { inBatches } from './in-batches';

const ORDER_FIELDS = {
  manager: 1,
  specialist: 1,
  assigned_user_ids: 1,
  'metadata.dashclicks_team': 1,
  'metadata.responsible': 1,
};

export async function auditOrders(collections: SyncCollections, report: DriftReport): Promise<void> {
  const orders = collections.orders.find(
    {
      $or: [
        { manager: { $type: 'objectId' } },
        { specialist: { $type: 'objectId' } },
        { 'assigned_user_ids.0': { $exists: true } },
      ],
    },
    { projection: ORDER_FIELDS },
  );
  for await (const batch of inBatches(orders)) {
    report.scanned.orders += batch.length;
    const referenced = batch.flatMap(order => [...teamIds(order), ...assignedIds(order)]);
    const found = await collections.users.find({ _id: { $in: referenced } }).toArray();
    const users = new Map(validUsers(found, report).map(user => [user._id.toHexString(), user]));
    const existing = new Set(found.map(user => String(user._id)));
    for (const order of batch) auditOrder(order, users, existing, report);
  }
}

function auditOrder(
  order: Document,
  users: Map<string, UserDocument>,
  existing: Set<string>,
  report: DriftReport,
): void {
  const orderId = String(order._id);
  for (const role of ['manager', 'specialist'] as const) {
    const user = isObjectId(order[role]) ? users.get(order[role].toHexString()) : undefined;
    if (user !== undefined && !bsonEqual(order.metadata?.dashclicks_team?.[role], toUserMeta(user))) {
      report.record(role === 'manager' ? DriftKinds.orderManager : DriftKinds.orderSpecialist, orderId);
      (role === 'manager' ? report.repairs.managerSync : report.repairs.specialistSync).add(
        user._id.toHexString(),
      );
    }
  }
  if (!responsibleConverged(order, users, existing)) {
    report.record(DriftKinds.orderResponsible, orderId);
    report.repairs.responsibleOrders.add(orderId);
  }
}

/**
 * Converged when every existing assigned user has exactly its UserMeta in the array and no deleted assigned
 * user is left in it. Order and unassigned extras are not judged: the in-place path keeps the array's own
 * order, and (un)assignment belongs to the order service.
 */
function responsibleConverged(
  order: Document,
  users: Map<string, UserDocument>,
  existing: Set<string>,
): boolean {
  const assigned = assignedIds(order);
  if (assigned.length === 0) return true;
  const responsible: unknown[] = Array.isArray(order.metadata?.responsible) ? order.metadata.responsible : [];
  for (const id of assigned) {
    const hex = id.toHexString();
    const elements = responsible.filter(element => String((element as { id?: unknown } | null)?.id) === hex);
    const user = users.get(hex);
    if (user !== undefined && (elements.length !== 1 || !bsonEqual(elements[0], toUserMeta(user))))
      return false;
    if (!existing.has(hex) && elements.length > 0) return false;
  }
  return true;
}

function teamIds(order: Document): ObjectId[] {
  return [order.manager, order.specialist].filter(isObjectId);
}

function isObjectId(value: unknown): value is ObjectId {
  return (value as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
}
