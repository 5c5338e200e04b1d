/**
 * manager-sync and specialist-sync differ only in the order field they follow, so one function serves
 * both. A deleted user's copies stay as they were: the order still names that person.
 */
import { parseJobData, toObjectId, userJobDataSchema } from './job-data';
import { readUser } from './read-users';
import { writeUntilSettled } from './settle';
import type { SyncJobContext } from './sync-job-context';
import { toUserMeta } from './user-meta';

export type TeamRole = 'manager' | 'specialist';

export interface TeamMemberSyncResult {
  skipped?: 'user-not-found';
  ordersMatched: number;
  ordersUpdated: number;
}

export async function syncTeamMember(
  role: TeamRole,
  data: unknown,
  ctx: SyncJobContext,
): Promise<TeamMemberSyncResult> {
  const { userId } = parseJobData(userJobDataSchema, data);
  const copyPath = `metadata.dashclicks_team.${role}`;
  return writeUntilSettled(
    () => readUser(ctx.collections, toObjectId(userId)),
    async user => {
      if (user === null) return { skipped: 'user-not-found', ordersMatched: 0, ordersUpdated: 0 };
      const meta = toUserMeta(user);
      // One round trip whatever the fan-out; orders already showing `meta` are not rewritten.
      const result = await ctx.collections.orders.updateMany(
        { [role]: user._id, [copyPath]: { $ne: meta } },
        { $set: { [copyPath]: meta } },
      );
      return { ordersMatched: result.matchedCount, ordersUpdated: result.modifiedCount };
    },
  );
}
