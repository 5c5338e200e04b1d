/** `verify --fix`: the jobs that repair what the audit found, added in bulk. */
import type { QueueProvider } from '../worker/run-sync-job';
import { QueueNames, type SyncQueueName } from '../queues/queue-names';
import type { DriftReport } from './drift-report';
import { addInBulk } from '../resync/add-in-bulk';

export async function enqueueRepairs(
  report: DriftReport,
  queues: QueueProvider,
): Promise<Record<SyncQueueName, number>> {
  const cause = { operationType: 'repair', source: 'verify --fix' };
  const { repairs } = report;
  const byUser = (ids: Set<string>) => [...ids].map(userId => ({ userId, cause }));
  const byOrders = (ids: Set<string>) => chunk([...ids], 1000).map(orderIds => ({ orderIds, cause }));
  const planned: Record<SyncQueueName, Record<string, unknown>[]> = {
    [QueueNames.ownerSync]: byUser(repairs.ownerSync),
    [QueueNames.managerSync]: [...byUser(repairs.managerSync), ...byOrders(repairs.teamOrders.manager)],
    [QueueNames.specialistSync]: [
      ...byUser(repairs.specialistSync),
      ...byOrders(repairs.teamOrders.specialist),
    ],
    [QueueNames.responsibleRebuild]: byOrders(repairs.responsibleOrders),
    // Orders being rebuilt cascade by themselves; the rest only need their tasks copied again.
    [QueueNames.taskCascade]: byOrders(
      new Set([...repairs.cascadeOrders].filter(id => !repairs.responsibleOrders.has(id))),
    ),
  };
  const added = {} as Record<SyncQueueName, number>;
  for (const [queue, jobs] of Object.entries(planned) as [SyncQueueName, Record<string, unknown>[]][]) {
    added[queue] = await addInBulk(queues.get(queue), queue, jobs);
  }
  return added;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
