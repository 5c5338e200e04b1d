import type { WorkerQueueName } from '../../queues/queue-names';
import { defineCommand } from '../command-definition';
import { parseSyncQueueList } from '../option-parsers';

export interface WorkerOptions {
  /** Queues to consume; all sync queues when omitted. */
  queues?: WorkerQueueName[];
}

export const workerCommand = defineCommand<WorkerOptions>({
  name: 'worker',
  configure: command =>
    command
      .description('process sync jobs; run any number of these on any number of machines')
      .option(
        '--queues <a,b>',
        'comma-separated queues to consume (default: every sync queue, and identity-sync where it is on)',
        parseSyncQueueList,
      ),
  run: async (options, context) => {
    const [{ runServiceRole }, { startWorkerRole }] = await Promise.all([
      import('../service-runner'),
      import('../../roles/start-worker-role'),
    ]);
    return runServiceRole(context, 'worker', async (deps, releasers, http) => {
      const pool = await startWorkerRole(deps, releasers, options.queues);
      http.attach({ deps, workers: pool.workers });
    });
  },
});
