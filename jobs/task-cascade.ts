/**
 * task-cascade: tasks of an order carry the order's current metadata.responsible. After in-place changes
 * only the users' elements moved, so tasks get the same in-place update (and stragglers the whole array);
 * after a rebuild the orders' whole arrays are copied.
 */
import { copyResponsibleToTasks, type CopyResult } from '../src/sync/copy-responsible-to-tasks';
import { parseJobData, taskCascadeDataSchema, toObjectId, userIdsOf } from '../src/sync/job-data';
import { cascadeMembersChange, findMemberOrders, type MemberOrders } from '../src/sync/cascade-member-change';
import { syncUserBatch, userBatchResult, type UserBatchResult } from '../src/sync/sync-user-batch';
import type { SyncJobContext } from '../src/sync/sync-job-context';

export default async function taskCascade(
  data: unknown,
  ctx: SyncJobContext,
): Promise<CopyResult | UserBatchResult<CopyResult>> {
  const payload = parseJobData(taskCascadeDataSchema, data);
  if ('orderIds' in payload) return copyResponsibleToTasks(ctx.collections, payload.orderIds.map(toObjectId));
  const { ids } = userIdsOf(payload);
  let started: MemberOrders | undefined =
    ids.length === 0 ? undefined : findMemberOrders(ctx.collections, ids.map(toObjectId));
  const { outcomes, totals } = await syncUserBatch(
    payload,
    ctx,
    batch => {
      // Only the first round's: a later one may come after the orders changed.
      const orders = started;
      started = undefined;
      return cascadeMembersChange(ctx.collections, batch.valid, orders);
    },
    // Of what this run writes, only the in-place statements carry the users as it read them, and their
    // `$ne` lets each touch only a task whose element differs from that. The stragglers get their order's
    // array, which their own copy step settles. tasksUpdated counts both, so 0 proves no task was written
    // from this run's read of a user: no newer run's copy was overwritten, and no user is read again.
    { modified: totals => totals.tasksUpdated },
  );
  return userBatchResult(totals, outcomes);
}
