/** Queue -> processor. One processor per file in jobs/, named after its queue. */
import identitySync from '../../jobs/identity-sync';
import managerSync from '../../jobs/manager-sync';
import ownerSync from '../../jobs/owner-sync';
import responsibleRebuild from '../../jobs/responsible-rebuild';
import specialistSync from '../../jobs/specialist-sync';
import taskCascade from '../../jobs/task-cascade';
import type { WorkerQueueName } from '../queues/queue-names';
import type { SyncJobContext } from '../sync/sync-job-context';

export type SyncProcessor = (data: unknown, ctx: SyncJobContext) => Promise<unknown>;

export const processors: Record<WorkerQueueName, SyncProcessor> = {
  'owner-sync': ownerSync,
  'manager-sync': managerSync,
  'specialist-sync': specialistSync,
  'responsible-rebuild': responsibleRebuild,
  'task-cascade': taskCascade,
  'identity-sync': identitySync,
};
