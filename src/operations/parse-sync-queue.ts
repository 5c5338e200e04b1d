/** `--queue` of replay and retry: only sync queues hold jobs that can be replayed or retried. */
import { InvalidArgumentError } from 'commander';
import { SYNC_QUEUES, isSyncQueueName, type SyncQueueName } from '../queues/queue-names';

export function parseSyncQueue(value: string): SyncQueueName {
  if (!isSyncQueueName(value)) throw new InvalidArgumentError(`choose one of ${SYNC_QUEUES.join(', ')}.`);
  return value;
}
