import { parseSyncQueue } from '../../operations/parse-sync-queue';
import { plural, summarizeByQueue } from '../../operations/summarize-by-queue';
import type { WorkerQueueName } from '../../queues/queue-names';
import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';

export interface RetryOptions {
  /** Only this queue's failed jobs; every sync queue when omitted. */
  queue?: WorkerQueueName;
}

export const retryCommand = defineCommand<RetryOptions>({
  name: 'retry',
  configure: command =>
    command
      .description('retry failed jobs in place (same job, attempts reset); removes their dead-letter copies')
      .option('--queue <queue>', 'only this queue (default: every sync queue)', parseSyncQueue),
  run: async (options, context) => {
    const [{ withQueues }, { retryFailed }] = await Promise.all([
      import('../../operations/with-queues'),
      import('../../operations/retry-failed'),
    ]);
    const report = await withQueues(context.env, 'retry', queues => retryFailed(options, { queues }));
    const summary = summarizeByQueue(report.retried);
    context.stdout.write(
      `retried ${plural(report.retried.length, 'failed job')}${summary ? `: ${summary}` : ''}\n`,
    );
    for (const item of report.skipped) {
      context.stdout.write(`  skipped ${item.queue} job ${item.jobId}: ${item.reason}\n`);
    }
    return ExitCodes.ok;
  },
});
