/**
 * task-cascade: tasks of an order carry the order's current metadata.responsible. After in-place changes
 * only the users' elements moved, so tasks get the same in-place update (and stragglers the whole array);
 * after a rebuild the orders' whole arrays are copied.
 */
import { copyResponsibleToTasks, type CopyResult } from '../src/sync/copy-responsible-to-tasks';
import { parseJobData, taskCascadeDataSchema, toObjectId } from '../src/sync/job-data';
import { cascadeMembersChange } from '../src/sync/cascade-member-change';
import { syncUserBatch, userBatchResult, type UserBatchResult } from '../src/sync/sync-user-batch';
import type { SyncJobContext } from '../src/sync/sync-job-context';

export default async function taskCascade(
  data: unknown,
  ctx: SyncJobContext,
): Promise<CopyResult | UserBatchResult<CopyResult>> {
  const payload = parseJobData(taskCascadeDataSchema, data);
  if ('orderIds' in payload) return copyResponsibleToTasks(ctx.collections, payload.orderIds.map(toObjectId));
  const { outcomes, totals } = await syncUserBatch(payload, ctx, batch =>
    cascadeMembersChange(ctx.collections, batch.valid),
  );
  return userBatchResult(totals, outcomes);
}
