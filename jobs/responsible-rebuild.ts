/**
 * responsible-rebuild: for every order with one of the batch's users in assigned_user_ids, that user's
 * element of metadata.responsible becomes UserMeta(U) in place; orders lacking it (or every order of a
 * deleted user) are rebuilt from assigned_user_ids. Each write is followed by a task-cascade job for the
 * orders it touched. Large fan-outs are paged: at most MAX_ORDERS_PER_RUN candidates per run, then a
 * continuation job.
 */
import type { Document, ObjectId } from 'mongodb';
import { QueueNames } from '../src/queues/queue-names';
import { parseJobData, responsibleRebuildDataSchema, toObjectId } from '../src/sync/job-data';
import { memberIds, rebuildResponsible, type RebuildResult } from '../src/sync/rebuild-orders';
import { replaceMembersInPlace } from '../src/sync/replace-member-in-place';
import { DEAD_LETTERED, type SubjectOutcomes } from '../src/sync/subject-outcomes';
import { syncUserBatch, userBatchResult } from '../src/sync/sync-user-batch';
import { InvalidReferenceError } from '../src/sync/invalid-reference';
import type { SyncJobContext } from '../src/sync/sync-job-context';

export const REBUILD_CHUNK_SIZE = 1000;
export const MAX_ORDERS_PER_RUN = 5000;

/**
 * A user batch also counts its users' outcomes: `synced`, `user-not-found` (its orders rebuilt without it),
 * `dead-lettered` (an order of theirs blocked by an invalid user included); an order repair has no users.
 */
export interface ResponsibleRebuildResult extends Partial<SubjectOutcomes> {
  ordersUpdatedInPlace: number;
  ordersRebuilt: number;
  lostRaces: number;
  continued: boolean;
  users?: number;
}

export default async function responsibleRebuild(
  data: unknown,
  ctx: SyncJobContext,
): Promise<ResponsibleRebuildResult> {
  const payload = parseJobData(responsibleRebuildDataSchema, data);
  if ('orderIds' in payload) {
    const rebuilt = await rebuildResponsible(ctx.collections, payload.orderIds.map(toObjectId));
    await rejectBlockedOrders(ctx, rebuilt, payload.cause);
    await cascade(ctx, 'repair', { orderIds: payload.orderIds });
    return {
      ordersUpdatedInPlace: 0,
      ordersRebuilt: rebuilt.ordersRebuilt,
      lostRaces: rebuilt.lostRaces,
      continued: false,
    };
  }

  const continuing = payload.afterOrderId !== undefined;
  const { outcomes, totals, settled } = await syncUserBatch(
    payload,
    ctx,
    async batch =>
      continuing
        ? { matched: 0, modified: 0 }
        : replaceMembersInPlace(ctx.collections.orders, 'metadata.responsible', batch.valid, user => ({
            assigned_user_ids: user._id,
          })),
    // An element already equal to UserMeta(U) is not modified: a round that modified nothing wrote nothing
    // stale, so it needs no re-read (see sync-user-batch.ts).
    { modified: totals => totals.modified },
  );
  const present = settled.valid.map(user => user._id);
  if (totals.matched > 0)
    await cascade(ctx, 'in-place', { userIds: present.map(String), cause: payload.cause });

  // A present user is only missing from some arrays; a deleted one must leave all of them.
  const presentKeys = new Set(present.map(String));
  const deleted = settled.missing.map(toObjectId);
  const deletedKeys = new Set(settled.missing);
  const needsRebuild = (order: Document) => {
    const held = new Set(memberIds(order.metadata?.responsible));
    return (order.assigned_user_ids as unknown[]).some(id => {
      const key = String(id);
      return deletedKeys.has(key) || (presentKeys.has(key) && !held.has(key));
    });
  };

  let after = payload.afterOrderId === undefined ? undefined : toObjectId(payload.afterOrderId);
  let ordersRebuilt = 0;
  let lostRaces = 0;
  const result = (continued: boolean): ResponsibleRebuildResult =>
    userBatchResult({ ordersUpdatedInPlace: totals.modified, ordersRebuilt, lostRaces, continued }, outcomes);
  if (deleted.length + present.length === 0) return result(false);
  for (let done = 0; done < MAX_ORDERS_PER_RUN; done += REBUILD_CHUNK_SIZE) {
    const page = await nextPage(ctx, present, deleted, after);
    if (page.length === 0) return result(false);
    after = page[page.length - 1]._id as ObjectId;
    const chunk = page.filter(needsRebuild).map(order => order._id as ObjectId);
    if (chunk.length === 0) continue;
    const rebuilt = await rebuildResponsible(ctx.collections, chunk);
    ordersRebuilt += rebuilt.ordersRebuilt;
    lostRaces += rebuilt.lostRaces;
    await rejectUsersOfBlockedOrders(ctx, rebuilt, page, presentKeys, outcomes, payload.cause);
    await cascade(ctx, `after-${chunk[0].toHexString()}`, { orderIds: chunk.map(id => id.toHexString()) });
    await ctx.reportProgress(Math.min(99, Math.round(((done + page.length) / MAX_ORDERS_PER_RUN) * 100)));
  }
  const more = after !== undefined && (await nextPage(ctx, present, deleted, after, 1)).length > 0;
  if (more && after !== undefined) {
    const { afterOrderId: _previous, ...rest } = payload;
    await ctx.enqueue(QueueNames.responsibleRebuild, [
      {
        data: { ...rest, afterOrderId: after.toHexString() },
        jobId: `${ctx.jobId}-after-${after.toHexString()}`,
      },
    ]);
  }
  return result(more);
}

/**
 * Up to this many users, the query names each user's exact condition (assigned, not in the array): the
 * server then returns only orders that need a rebuild, whatever the fan-out. Past it, each order would be
 * tested against every branch, so two broader conditions are sent instead and refined here.
 */
const EXACT_BRANCHES_UP_TO = 20;

/**
 * The batch's orders that may need a rebuild, in `_id` order, answered by the server with plain indexed
 * conditions. For a small batch, exactly the orders assigned to a user whose array lacks that user, plus
 * every order of a deleted user. For a large one, orders whose array holds none of the batch's present
 * users, and orders with several assigned users (whose array may hold one batch user and lack another):
 * which of those really need it is decided here.
 */
async function nextPage(
  ctx: SyncJobContext,
  present: ObjectId[],
  deleted: ObjectId[],
  after: ObjectId | undefined,
  limit = REBUILD_CHUNK_SIZE,
) {
  const lacking =
    present.length <= EXACT_BRANCHES_UP_TO
      ? present.map(id => ({ assigned_user_ids: id, 'metadata.responsible.id': { $ne: id } }))
      : [{ 'metadata.responsible.id': { $nin: present } }, { 'assigned_user_ids.1': { $exists: true } }];
  const branches = [...lacking, ...(deleted.length > 0 ? [{ assigned_user_ids: { $in: deleted } }] : [])];
  // One branch (a one-user batch) is sent as it is: a matcher need not evaluate an $or for each order.
  const filter: Document =
    branches.length === 1
      ? { ...branches[0] }
      : { assigned_user_ids: { $in: [...present, ...deleted] }, $or: branches };
  if (after !== undefined) filter._id = { $gt: after };
  return ctx.collections.orders
    .find(filter, {
      projection: { assigned_user_ids: 1, 'metadata.responsible.id': 1 },
      sort: { _id: 1 },
      limit,
      batchSize: limit + 1,
    })
    .toArray();
}

/** A repair of explicit orders: each order an invalid user blocks goes to dead-letter alone. */
async function rejectBlockedOrders(ctx: SyncJobContext, rebuilt: RebuildResult, cause: unknown) {
  for (const [orderId, error] of rebuilt.blocked)
    await ctx.rejectSubject(orderId, { orderIds: [orderId], cause }, error);
}

/** The batch's users whose order an invalid user blocks cannot be synced there: they go to dead-letter. */
async function rejectUsersOfBlockedOrders(
  ctx: SyncJobContext,
  rebuilt: RebuildResult,
  page: Document[],
  batchUsers: Set<string>,
  outcomes: Map<string, string>,
  cause: unknown,
) {
  for (const order of page) {
    const error = rebuilt.blocked.get(String(order._id));
    if (error === undefined) continue;
    // The order's own field is wrong: the order is the subject at fault, and its users go on elsewhere.
    if (error instanceof InvalidReferenceError) {
      await ctx.rejectSubject(String(order._id), { orderIds: [String(order._id)], cause }, error);
      continue;
    }
    for (const id of (order.assigned_user_ids as unknown[]).map(String).filter(key => batchUsers.has(key))) {
      await ctx.rejectSubject(id, { userId: id, cause }, error);
      outcomes.set(id, DEAD_LETTERED);
    }
  }
}

function cascade(ctx: SyncJobContext, suffix: string, data: Record<string, unknown>): Promise<void> {
  return ctx.enqueue(QueueNames.taskCascade, [{ data, jobId: `${ctx.jobId}-cascade-${suffix}` }]);
}
