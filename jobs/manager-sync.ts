/** manager-sync: every order U manages carries UserMeta(U) at metadata.dashclicks_team.manager. */
import type { SyncJobContext } from '../src/sync/sync-job-context';
import { syncTeamMember, type TeamMemberSyncResult } from '../src/sync/team-member-sync';

export default function managerSync(data: unknown, ctx: SyncJobContext): Promise<TeamMemberSyncResult> {
  return syncTeamMember('manager', data, ctx);
}
