/**
 * The copies on orders: the manager and specialist metadata, and metadata.responsible. An order naming an
 * existing user must carry exactly its UserMeta; one naming nobody (the field unset or not an id) must carry
 * no copy (SPEC §2b). A deleted manager or specialist may keep its copy: deleting a user does not touch the
 * orders that still name it (SPEC §2), while a later change of the order removes it (§2b).
 */
import type { Document, ObjectId } from 'mongodb';
import { bsonEqual } from '../sync/bson-equal';
import { isObjectId } from '../sync/job-data';
import { USER_FIELDS } from '../sync/read-users';
import { assignedIds } from '../sync/rebuild-orders';
import { assignedUsersProblem, orderMemberProblem } from '../sync/invalid-reference';
import type { SyncCollections } from '../sync/sync-job-context';
import type { UserDocument } from '../sync/user-document';
import { toUserMeta, type UserMeta } from '../sync/user-meta';
import { validUsers } from './audit-owners';
import { DriftKinds, type DriftReport } from './drift-report';
import { auditTasksOf } from './audit-tasks';
import { inBatches } from './in-batches';

const ORDER_FIELDS = {
  manager: 1,
  specialist: 1,
  assigned_user_ids: 1,
  'metadata.dashclicks_team': 1,
  'metadata.responsible': 1,
};

export async function auditOrders(
  collections: SyncCollections,
  report: DriftReport,
  /** Only these orders (a re-check); every order that holds copies when omitted. */
  filter: Document = {},
): Promise<void> {
  const orders = collections.orders.find(
    {
      ...filter,
      $or: [
        // Any value, not only ObjectIds: a field of the wrong type is bad input verify must name.
        { manager: { $exists: true } },
        { specialist: { $exists: true } },
        { assigned_user_ids: { $exists: true } },
        { 'metadata.dashclicks_team': { $exists: true } },
        // An array with nobody assigned still has tasks that must mirror it.
        { 'metadata.responsible': { $type: 'array' } },
      ],
    },
    { projection: ORDER_FIELDS },
  );
  for await (const batch of inBatches(orders)) {
    report.scanned.orders += batch.length;
    // The tasks' audit needs only the orders: its query runs while the users are read and the orders
    // audited, so the server and this process work at once rather than each waiting on the other.
    await Promise.all([
      auditOrderCopies(collections, batch, report),
      auditTasksOf(collections, batch, report),
    ]);
  }
}

async function auditOrderCopies(
  collections: SyncCollections,
  batch: readonly Document[],
  report: DriftReport,
): Promise<void> {
  const referenced = [
    ...new Map(
      batch.flatMap(order => [...teamIds(order), ...assignedIds(order)]).map(id => [String(id), id]),
    ).values(),
  ];
  const found = await collections.users
    .find({ _id: { $in: referenced } }, { projection: USER_FIELDS, batchSize: referenced.length + 1 })
    .toArray();
  const metas = new ExpectedMetas(validUsers(found, report));
  const existing = new Set(found.map(user => String(user._id)));
  for (const order of batch) auditOrder(order, metas, existing, report);
}

/** The batch's users' UserMeta, each computed once: a user is referenced by many orders of the batch. */
class ExpectedMetas {
  private readonly metas = new Map<string, UserMeta>();
  constructor(users: readonly UserDocument[]) {
    for (const user of users) this.metas.set(user._id.toHexString(), toUserMeta(user));
  }

  has(hex: string): boolean {
    return this.metas.has(hex);
  }

  /** Whether `copy` is exactly (as BSON compares) the UserMeta of user `hex`; undefined for a user not at hand. */
  matches(hex: string, copy: unknown): boolean | undefined {
    const expected = this.metas.get(hex);
    return expected === undefined ? undefined : bsonEqual(copy, expected);
  }
}

function auditOrder(order: Document, metas: ExpectedMetas, existing: Set<string>, report: DriftReport): void {
  const orderId = String(order._id);
  const invalid = [
    orderMemberProblem(order, 'manager'),
    orderMemberProblem(order, 'specialist'),
    assignedUsersProblem(order),
  ];
  // No repair is planned: a job for it would only dead-letter again until the order itself is fixed.
  if (invalid.some(problem => problem !== undefined))
    report.record(DriftKinds.invalidOrder, orderId, { orders: [orderId] });
  for (const role of ['manager', 'specialist'] as const) {
    const kind = role === 'manager' ? DriftKinds.orderManager : DriftKinds.orderSpecialist;
    if (!isObjectId(order[role])) {
      if (order.metadata?.dashclicks_team?.[role] !== undefined) {
        report.record(kind, orderId, { orders: [orderId] });
        report.repairs.teamOrders[role].add(orderId);
      }
      continue;
    }
    const hex = order[role].toHexString();
    if (metas.matches(hex, order.metadata?.dashclicks_team?.[role]) === false) {
      report.record(kind, orderId, { users: [hex], orders: [orderId] });
      (role === 'manager' ? report.repairs.managerSync : report.repairs.specialistSync).add(hex);
    }
  }
  if (!responsibleConverged(order, metas, existing)) {
    report.record(DriftKinds.orderResponsible, orderId, {
      users: assignedIds(order).map(id => id.toHexString()),
      orders: [orderId],
    });
    report.repairs.responsibleOrders.add(orderId);
  }
}

/**
 * Converged when every existing assigned user has exactly its UserMeta in the array and no deleted assigned
 * user is left in it. Order and unassigned extras are not judged: the in-place path keeps the array's own
 * order, and (un)assignment belongs to the order service.
 */
function responsibleConverged(order: Document, metas: ExpectedMetas, existing: Set<string>): boolean {
  const assigned = assignedIds(order);
  if (assigned.length === 0) return true;
  const responsible: unknown[] = Array.isArray(order.metadata?.responsible) ? order.metadata.responsible : [];
  for (const id of assigned) {
    const hex = id.toHexString();
    const elements = responsible.filter(element => String((element as { id?: unknown } | null)?.id) === hex);
    if (metas.has(hex) && (elements.length !== 1 || metas.matches(hex, elements[0]) !== true)) return false;
    if (!existing.has(hex) && elements.length > 0) return false;
  }
  return true;
}

function teamIds(order: Document): ObjectId[] {
  return [order.manager, order.specialist].filter(isObjectId);
}
