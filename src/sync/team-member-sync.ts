/**
 * manager-sync and specialist-sync differ only in the order field they follow, so one function serves
 * both. For users: one bulkWrite for the whole batch, an updateMany per user, so the command count does
 * not grow with the batch or the fan-out; a deleted user's copies stay as they were. For orders whose own
 * field changed (SPEC §2b): see sync-team-orders.ts.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { parseJobData, teamMemberJobDataSchema } from './job-data';
import { syncUserBatch, userBatchResult, type UserBatchResult } from './sync-user-batch';
import type { SyncJobContext } from './sync-job-context';
import { syncTeamOrders, type TeamOrdersResult } from './sync-team-orders';
import { toUserMeta } from './user-meta';

export type TeamRole = 'manager' | 'specialist';

export type TeamMemberSyncResult =
  UserBatchResult<{ ordersMatched: number; ordersUpdated: number }> | TeamOrdersResult;

export async function syncTeamMember(
  role: TeamRole,
  data: unknown,
  ctx: SyncJobContext,
): Promise<TeamMemberSyncResult> {
  const payload = parseJobData(teamMemberJobDataSchema, data);
  if ('orderIds' in payload) return syncTeamOrders(role, payload.orderIds, ctx, payload.cause);
  const copyPath = `metadata.dashclicks_team.${role}`;
  const { outcomes, totals } = await syncUserBatch(
    payload,
    ctx,
    async batch => {
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
    },
    // The `$ne` guard lets a statement touch only an order whose copy differs from the meta this run
    // read. None updated: every order already showed it, so no newer run's copy was overwritten, and
    // the user need not be read again. A user who is nobody's manager or specialist (most of them,
    // and every specialist-sync of a user who is only a manager) costs no re-read.
    { modified: totals => totals.ordersUpdated },
  );
  return userBatchResult(totals, outcomes);
}
