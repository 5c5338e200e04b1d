import { parseSyncQueue } from '../../operations/parse-sync-queue';
import type { WorkerQueueName } from '../../queues/queue-names';
import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';

export interface ReplayOptions {
  /** Only entries whose original queue is this one. */
  queue?: WorkerQueueName;
  /** One entry: the dead-letter job id (`owner-sync__123`) or the original job id (`123`). */
  id?: string;
  all?: boolean;
}

export const replayCommand = defineCommand<ReplayOptions>({
  name: 'replay',
  configure: command =>
    command
      .description(
        're-drive dead-letter entries to their original queue (new job, fresh attempts); the failed original leaves its queue, so retry does not run it again',
      )
      .option('--queue <queue>', 'only entries that came from this queue', parseSyncQueue)
      .option('--id <id>', 'only this entry: its dead-letter job id or the original job id')
      .option('--all', 'every dead-letter entry'),
  run: async (options, context) => {
    if (!options.all && options.queue === undefined && options.id === undefined) {
      context.stderr.write('user-sync replay: choose what to replay: --all, --queue <queue> or --id <id>\n');
      return ExitCodes.usage;
    }
    const [{ withQueues }, { replayDeadLetters }, { formatReplayReport }] = await Promise.all([
      import('../../operations/with-queues'),
      import('../../operations/replay-dead-letters'),
      import('../../operations/format-replay-report'),
    ]);
    const report = await withQueues(context.env, 'replay', queues => replayDeadLetters(options, { queues }));
    context.stdout.write(formatReplayReport(report, options.id));
    // An id that names no entry is a mistake to show a script, not a quiet success.
    const nothingFound = options.id !== undefined && report.replayed.length + report.skipped.length === 0;
    return nothingFound ? ExitCodes.failure : ExitCodes.ok;
  },
});
