/** Queue names of SPEC §5, exactly; `QUEUE_PREFIX` goes to BullMQ's `prefix` option, not into these. */
export const QueueNames = {
  ownerSync: 'owner-sync',
  managerSync: 'manager-sync',
  specialistSync: 'specialist-sync',
  responsibleRebuild: 'responsible-rebuild',
  taskCascade: 'task-cascade',
  deadLetter: 'dead-letter',
  /** SPEC §7: the identity provider's user lifecycle; only where it is on (`workerQueues`). */
  identitySync: 'identity-sync',
} as const;

export type QueueName = (typeof QueueNames)[keyof typeof QueueNames];

/** The queues workers consume; nothing consumes dead-letter (entries wait there for `replay`). */
export const SYNC_QUEUES = [
  QueueNames.ownerSync,
  QueueNames.managerSync,
  QueueNames.specialistSync,
  QueueNames.responsibleRebuild,
  QueueNames.taskCascade,
] as const;

export type SyncQueueName = (typeof SYNC_QUEUES)[number];

export const ALL_QUEUES: readonly QueueName[] = [...SYNC_QUEUES, QueueNames.deadLetter];

/** Every queue a worker can consume: the five, and identity-sync where the identity provider is on. */
export type WorkerQueueName = SyncQueueName | typeof QueueNames.identitySync;

/** The queues a worker serves by default, and the dashboard and /metrics show. */
export function workerQueues(identityEnabled: boolean): readonly WorkerQueueName[] {
  return identityEnabled ? [...SYNC_QUEUES, QueueNames.identitySync] : SYNC_QUEUES;
}

/** Every queue that can hold a job to replay or retry, whether or not this deployment uses it. */
export const CONSUMED_QUEUES: readonly WorkerQueueName[] = workerQueues(true);

export function deploymentQueues(identityEnabled: boolean): readonly QueueName[] {
  return [...workerQueues(identityEnabled), QueueNames.deadLetter];
}

export function isWorkerQueueName(name: string): name is WorkerQueueName {
  return isSyncQueueName(name) || name === QueueNames.identitySync;
}

export function isSyncQueueName(name: string): name is SyncQueueName {
  return (SYNC_QUEUES as readonly string[]).includes(name);
}
