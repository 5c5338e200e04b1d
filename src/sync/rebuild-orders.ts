/**
 * The rebuild path of responsible-rebuild: `metadata.responsible` becomes UserMeta of each existing user of
 * `assigned_user_ids`, in that order. Written with compare-and-set on the arrays it was computed from, so a
 * concurrent in-place update or rebuild of the same order is never overwritten: a lost race is recomputed
 * from fresh reads.
 */
import type { AnyBulkWriteOperation, Document, ObjectId } from 'mongodb';
import { FaultPointNames, reachFaultPoint } from '../testing/fault-points';
import { bsonEqual } from './bson-equal';
import { isObjectId } from './job-data';
import { readRawUsers, sortUsers } from './read-users';
import { SourceKeptChangingError, MAX_SETTLE_ROUNDS } from './settle';
import type { SyncCollections } from './sync-job-context';
import type { InvalidUserError, UserDocument } from './user-document';
import { assignedUsersProblem, type InvalidReferenceError } from './invalid-reference';
import { toUserMeta, type UserMeta } from './user-meta';

const ORDER_FIELDS = { _id: 1, assigned_user_ids: 1, 'metadata.responsible': 1 } as const;

interface OrderSnapshot {
  _id: ObjectId;
  assigned_user_ids?: unknown;
  metadata?: { responsible?: unknown };
}

export interface RebuildResult {
  ordersRebuilt: number;
  /** Compare-and-set writes that lost to a concurrent writer and were recomputed. */
  lostRaces: number;
  /**
   * Orders left as they are, by hex id, with the error: one of their assigned users is invalid, or
   * their `assigned_user_ids` is not an array of ObjectIds.
   */
  blocked: Map<string, InvalidUserError | InvalidReferenceError>;
}

export async function rebuildResponsible(
  collections: SyncCollections,
  orderIds: ObjectId[],
): Promise<RebuildResult> {
  let pending = orderIds;
  let lostRaces = 0;
  let ordersRebuilt = 0;
  const blocked = new Map<string, InvalidUserError | InvalidReferenceError>();
  for (let round = 1; pending.length > 0; round += 1) {
    if (round > MAX_SETTLE_ROUNDS) {
      throw new SourceKeptChangingError(
        `${pending.length} orders changed during each of ${MAX_SETTLE_ROUNDS} rebuilds`,
      );
    }
    const read = (await collections.orders
      .find({ _id: { $in: pending } }, { projection: ORDER_FIELDS })
      .toArray()) as OrderSnapshot[];
    const assigned = [...new Set(read.flatMap(order => assignedIds(order).map(id => id.toHexString())))];
    const { valid, invalid } = sortUsers(assigned, await readRawUsers(collections, assigned));
    const users = new Map(valid.map(user => [user._id.toHexString(), user]));
    // An invalid user would make a wrong array: such orders wait, named, for the user to be fixed.
    const orders = read.filter(order => {
      const badField = assignedUsersProblem(order);
      const bad = assignedIds(order).find(id => invalid.has(id.toHexString()));
      const error = badField ?? (bad === undefined ? undefined : invalid.get(bad.toHexString()));
      if (error !== undefined) blocked.set(order._id.toHexString(), error);
      return error === undefined;
    });
    const rebuilt = new Map(orders.map(order => [order._id.toHexString(), responsibleOf(order, users)]));
    // An array that already is what the rules give needs no statement (a repair of a converged order).
    const stale = orders.filter(
      order => !bsonEqual(order.metadata?.responsible, rebuilt.get(order._id.toHexString())),
    );
    const writes: AnyBulkWriteOperation<Document>[] = stale.map(order => ({
      updateOne: {
        filter: unchangedSince(order),
        update: { $set: { 'metadata.responsible': rebuilt.get(order._id.toHexString()) } },
      },
    }));
    if (writes.length === 0) break;
    await reachFaultPoint(FaultPointNames.rebuildBeforeWrite);
    const result = await collections.orders.bulkWrite(writes, { ordered: false });
    ordersRebuilt += result.modifiedCount;
    if (result.matchedCount === writes.length) break;
    // Some filters missed: those orders changed after we read them. Redo exactly the ones not holding our array.
    const current = await collections.orders
      .find({ _id: { $in: stale.map(order => order._id) } }, { projection: ORDER_FIELDS })
      .toArray();
    pending = (current as OrderSnapshot[])
      .filter(order => !bsonEqual(order.metadata?.responsible, rebuilt.get(order._id.toHexString())))
      .map(order => order._id);
    lostRaces += pending.length;
  }
  return { ordersRebuilt, lostRaces, blocked };
}

/** Assigned ids that are ObjectIds, first occurrence only (the seed's `$in` query returned each user once). */
export function assignedIds(order: Document): ObjectId[] {
  if (!Array.isArray(order.assigned_user_ids)) return [];
  const seen = new Set<string>();
  return order.assigned_user_ids.filter((id): id is ObjectId => {
    if (!isObjectId(id)) return false;
    const hex = id.toHexString();
    if (seen.has(hex)) return false;
    seen.add(hex);
    return true;
  });
}

/** The ids held by a UserMeta array (`metadata.responsible`, a task's copy), as hex strings. */
export function memberIds(array: unknown): string[] {
  return Array.isArray(array) ? array.map(member => String((member as Document | null)?.id)) : [];
}

/** What the rules say the array is when rebuilt: deleted users simply drop out. */
export function responsibleOf(order: Document, users: Map<string, UserDocument>): UserMeta[] {
  return assignedIds(order).flatMap(id => {
    const user = users.get(id.toHexString());
    return user === undefined ? [] : [toUserMeta(user)];
  });
}

function unchangedSince(order: OrderSnapshot): Document {
  return {
    _id: order._id,
    assigned_user_ids: order.assigned_user_ids === undefined ? { $exists: false } : order.assigned_user_ids,
    'metadata.responsible':
      order.metadata?.responsible === undefined ? { $exists: false } : order.metadata.responsible,
  };
}
