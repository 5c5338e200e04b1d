/**
 * manager-sync and specialist-sync differ only in the order field they follow, so one function serves
 * both. One bulkWrite for the whole batch: an updateMany per user, so the command count does not grow
 * with the batch or the fan-out. A deleted user's copies stay as they were: the order still names them.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { parseUserJob, syncUserBatch, type UserBatchResult } from './sync-user-batch';
import type { SyncJobContext } from './sync-job-context';
import { toUserMeta } from './user-meta';

export type TeamRole = 'manager' | 'specialist';

export type TeamMemberSyncResult = UserBatchResult<{ ordersMatched: number; ordersUpdated: number }>;

export async function syncTeamMember(
  role: TeamRole,
  data: unknown,
  ctx: SyncJobContext,
): Promise<TeamMemberSyncResult> {
  const copyPath = `metadata.dashclicks_team.${role}`;
  const { users, totals } = await syncUserBatch(parseUserJob(data), ctx, async batch => {
    // Orders already showing the user's meta are not rewritten.
    const writes: AnyBulkWriteOperation<Document>[] = batch.valid.map(user => {
      const meta = toUserMeta(user);
      return {
        updateMany: {
          filter: { [role]: user._id, [copyPath]: { $ne: meta } },
          update: { $set: { [copyPath]: meta } },
        },
      };
    });
    if (writes.length === 0) return { ordersMatched: 0, ordersUpdated: 0 };
    const result = await ctx.collections.orders.bulkWrite(writes, { ordered: false });
    return { ordersMatched: result.matchedCount, ordersUpdated: result.modifiedCount };
  });
  return { ...totals, users };
}
