import { defineCommand } from '../command-definition';
import type { SyncQueueName } from '../../queues/queue-names';
import { parseSyncQueueList } from '../option-parsers';
import { notImplemented } from './not-implemented';

export interface WorkerOptions {
  /** Queues to consume; all sync queues when omitted. */
  queues?: SyncQueueName[];
}

export const workerCommand = defineCommand<WorkerOptions>({
  name: 'worker',
  configure: command =>
    command
      .description('process sync jobs; run any number of these on any number of machines')
      .option(
        '--queues <a,b>',
        'comma-separated queues to consume (default: every sync queue)',
        parseSyncQueueList,
      ),
  run: (_options, context) => notImplemented('worker', context),
});
