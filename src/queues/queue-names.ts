/** Queue names of SPEC §5, exactly; `QUEUE_PREFIX` goes to BullMQ's `prefix` option, not into these. */
export const QueueNames = {
  ownerSync: 'owner-sync',
  managerSync: 'manager-sync',
  specialistSync: 'specialist-sync',
  responsibleRebuild: 'responsible-rebuild',
  taskCascade: 'task-cascade',
  deadLetter: 'dead-letter',
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

export function isSyncQueueName(name: string): name is SyncQueueName {
  return (SYNC_QUEUES as readonly string[]).includes(name);
}
