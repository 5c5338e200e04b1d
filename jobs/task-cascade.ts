/**
 * task-cascade: tasks of an order carry the order's current metadata.responsible. After an in-place
 * change only U's element moved, so tasks get the same in-place update (and stragglers the whole array);
 * after a rebuild the orders' whole arrays are copied.
 */
import { copyResponsibleToTasks, type CopyResult } from '../src/sync/copy-responsible-to-tasks';
import { parseJobData, taskCascadeDataSchema, toObjectId } from '../src/sync/job-data';
import { readUser } from '../src/sync/read-users';
import { cascadeMemberChange } from '../src/sync/cascade-member-change';
import { writeUntilSettled } from '../src/sync/settle';
import type { SyncJobContext } from '../src/sync/sync-job-context';

export default async function taskCascade(data: unknown, ctx: SyncJobContext): Promise<CopyResult> {
  const payload = parseJobData(taskCascadeDataSchema, data);
  if ('orderIds' in payload) return copyResponsibleToTasks(ctx.collections, payload.orderIds.map(toObjectId));
  const userId = toObjectId(payload.userId);
  return writeUntilSettled(
    () => readUser(ctx.collections, userId),
    async user =>
      user === null ? { ordersCopied: 0, tasksUpdated: 0 } : cascadeMemberChange(ctx.collections, user),
  );
}
