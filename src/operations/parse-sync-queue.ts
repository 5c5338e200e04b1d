/** `--queue` of replay and retry: only sync queues hold jobs that can be replayed or retried. */
import { InvalidArgumentError } from 'commander';
import { CONSUMED_QUEUES, isWorkerQueueName, type WorkerQueueName } from '../queues/queue-names';

export function parseSyncQueue(value: string): WorkerQueueName {
  if (!isWorkerQueueName(value))
    throw new InvalidArgumentError(`choose one of ${CONSUMED_QUEUES.join(', ')}.`);
  return value;
}
