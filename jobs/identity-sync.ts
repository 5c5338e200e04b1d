/**
 * identity-sync: one event of the identity provider (a Clerk webhook, or a user `import-identities`
 * listed) applied to the users collection. The listener then sees that write like any other user change,
 * and the five jobs carry it to every copy.
 */
import { applyIdentityEvent, type IdentityResult } from '../src/identity/apply-identity-event';
import { parseIdentityJobData } from '../src/identity/identity-job';
import type { SyncJobContext } from '../src/sync/sync-job-context';

export default async function identitySync(data: unknown, ctx: SyncJobContext): Promise<IdentityResult> {
  const result = await applyIdentityEvent(ctx.collections, parseIdentityJobData(data));
  ctx.logger.debug(
    { outcome: result.outcome, clerkId: result.clerkId, userId: result.userId },
    'identity applied',
  );
  return result;
}
