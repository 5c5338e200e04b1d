/**
 * responsible-rebuild: for every order with U in assigned_user_ids, U's element of metadata.responsible
 * becomes UserMeta(U) in place; orders lacking it (or every order of a deleted U) are rebuilt from
 * assigned_user_ids. Each write is followed by a task-cascade job for the orders it touched.
 * Large fan-outs are paged: at most MAX_ORDERS_PER_RUN rebuilt per run, then a continuation job.
 */
import type { Document, ObjectId } from 'mongodb';
import { QueueNames } from '../src/queues/queue-names';
import { parseJobData, responsibleRebuildDataSchema, toObjectId } from '../src/sync/job-data';
import { readUser } from '../src/sync/read-users';
import { rebuildResponsible } from '../src/sync/rebuild-orders';
import { replaceMemberInPlace } from '../src/sync/replace-member-in-place';
import { writeUntilSettled } from '../src/sync/settle';
import type { SyncJobContext } from '../src/sync/sync-job-context';
import type { UserDocument } from '../src/sync/user-document';

export const REBUILD_CHUNK_SIZE = 1000;
export const MAX_ORDERS_PER_RUN = 5000;

export interface ResponsibleRebuildResult {
  ordersUpdatedInPlace: number;
  ordersRebuilt: number;
  lostRaces: number;
  continued: boolean;
}

export default async function responsibleRebuild(
  data: unknown,
  ctx: SyncJobContext,
): Promise<ResponsibleRebuildResult> {
  const payload = parseJobData(responsibleRebuildDataSchema, data);
  if ('orderIds' in payload) {
    const orderIds = payload.orderIds.map(toObjectId);
    const rebuilt = await rebuildResponsible(ctx.collections, orderIds);
    await cascade(ctx, 'repair', { orderIds: payload.orderIds });
    return { ordersUpdatedInPlace: 0, ...rebuilt, continued: false };
  }

  const userId = toObjectId(payload.userId);
  const inPlace =
    payload.afterOrderId === undefined
      ? await updateInPlace(ctx, userId)
      : { matched: 0, modified: 0, user: await readUser(ctx.collections, userId) };
  if (inPlace.matched > 0) await cascade(ctx, 'in-place', { userId: payload.userId });

  const { user } = inPlace;
  // A present user is only missing from some arrays; a deleted one must leave all of them.
  const needsRebuild: Document =
    user === null
      ? { assigned_user_ids: userId }
      : { assigned_user_ids: userId, 'metadata.responsible.id': { $ne: userId } };
  let after = payload.afterOrderId === undefined ? undefined : toObjectId(payload.afterOrderId);
  let ordersRebuilt = 0;
  let lostRaces = 0;
  for (let done = 0; done < MAX_ORDERS_PER_RUN; done += REBUILD_CHUNK_SIZE) {
    const chunk = await nextChunk(ctx, needsRebuild, after);
    if (chunk.length === 0)
      return { ordersUpdatedInPlace: inPlace.modified, ordersRebuilt, lostRaces, continued: false };
    const result = await rebuildResponsible(ctx.collections, chunk);
    ordersRebuilt += result.ordersRebuilt;
    lostRaces += result.lostRaces;
    after = chunk[chunk.length - 1];
    await cascade(ctx, `after-${chunk[0].toHexString()}`, { orderIds: chunk.map(id => id.toHexString()) });
    await ctx.reportProgress(Math.min(99, Math.round(((done + chunk.length) / MAX_ORDERS_PER_RUN) * 100)));
  }
  const more = after !== undefined && (await nextChunk(ctx, needsRebuild, after, 1)).length > 0;
  if (more && after !== undefined) {
    await ctx.enqueue(QueueNames.responsibleRebuild, [
      {
        data: { userId: payload.userId, afterOrderId: after.toHexString(), cause: payload.cause },
        jobId: `${ctx.jobId}-after-${after.toHexString()}`,
      },
    ]);
  }
  return { ordersUpdatedInPlace: inPlace.modified, ordersRebuilt, lostRaces, continued: more };
}

function updateInPlace(
  ctx: SyncJobContext,
  userId: ObjectId,
): Promise<{ matched: number; modified: number; user: UserDocument | null }> {
  // The settled user is handed back: the rebuild path below works from the same read.
  return writeUntilSettled(
    () => readUser(ctx.collections, userId),
    async user =>
      user === null
        ? { matched: 0, modified: 0, user }
        : {
            ...(await replaceMemberInPlace(ctx.collections.orders, 'metadata.responsible', user, {
              assigned_user_ids: userId,
            })),
            user,
          },
  );
}

async function nextChunk(
  ctx: SyncJobContext,
  filter: Document,
  after: ObjectId | undefined,
  limit = REBUILD_CHUNK_SIZE,
) {
  const page = after === undefined ? filter : { $and: [filter, { _id: { $gt: after } }] };
  const orders = await ctx.collections.orders
    .find(page, { projection: { _id: 1 } })
    .sort({ _id: 1 })
    .limit(limit)
    .toArray();
  return orders.map(order => order._id as ObjectId);
}

function cascade(ctx: SyncJobContext, suffix: string, data: Record<string, unknown>): Promise<void> {
  return ctx.enqueue(QueueNames.taskCascade, [{ data, jobId: `${ctx.jobId}-cascade-${suffix}` }]);
}
