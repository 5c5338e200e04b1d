import { defineCommand } from '../command-definition';
import type { QueueName } from '../../queues/queue-names';
import { parseQueueName } from '../option-parsers';
import { notImplemented } from './not-implemented';

export interface ReplayOptions {
  /** Only entries whose original queue is this one. */
  queue?: QueueName;
  /** One dead-letter entry by its job id. */
  id?: string;
  all?: boolean;
}

export const replayCommand = defineCommand<ReplayOptions>({
  name: 'replay',
  configure: command =>
    command
      .description('re-drive dead-letter entries to their original queue')
      .option('--queue <queue>', 'only entries that came from this queue', parseQueueName)
      .option('--id <id>', 'only the dead-letter entry with this job id')
      .option('--all', 'every dead-letter entry'),
  run: (_options, context) => notImplemented('replay', context),
});
