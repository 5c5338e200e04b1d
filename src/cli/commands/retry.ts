import { defineCommand } from '../command-definition';
import type { QueueName } from '../../queues/queue-names';
import { parseQueueName } from '../option-parsers';
import { notImplemented } from './not-implemented';

export interface RetryOptions {
  /** Only this queue's failed jobs; every sync queue when omitted. */
  queue?: QueueName;
}

export const retryCommand = defineCommand<RetryOptions>({
  name: 'retry',
  configure: command =>
    command
      .description('retry failed jobs in place')
      .option('--queue <queue>', 'only this queue (default: every sync queue)', parseQueueName),
  run: (_options, context) => notImplemented('retry', context),
});
