/** specialist-sync: every order U specialises on carries UserMeta(U) at metadata.dashclicks_team.specialist. */
import type { SyncJobContext } from '../src/sync/sync-job-context';
import { syncTeamMember, type TeamMemberSyncResult } from '../src/sync/team-member-sync';

export default function specialistSync(data: unknown, ctx: SyncJobContext): Promise<TeamMemberSyncResult> {
  return syncTeamMember('specialist', data, ctx);
}
