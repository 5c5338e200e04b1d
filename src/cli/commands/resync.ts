import type { ResyncSelection } from '../../resync/enqueue-resync';
import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';
import { collectObjectIds } from '../option-parsers';

export interface ResyncOptions {
  /** User ids (24-hex), lower-cased; repeatable. */
  user?: string[];
  /** Account ids: every user of these accounts; repeatable. */
  account?: string[];
  all?: boolean;
}

export const resyncCommand = defineCommand<ResyncOptions>({
  name: 'resync',
  configure: command =>
    command
      .description('enqueue the sync jobs for those users (backfill, repair), with a progress bar')
      .option('--user <id>', 'a user id (repeatable)', collectObjectIds)
      .option('--account <id>', 'every user of an account (repeatable)', collectObjectIds)
      .option('--all', 'every user'),
  run: async (options, context) => {
    if (!options.all && !options.user?.length && !options.account?.length) {
      context.stderr.write('user-sync resync: choose --all, --user ID or --account ID\n');
      return ExitCodes.usage;
    }
    const selection: ResyncSelection = options.all
      ? { all: true }
      : { userIds: options.user, accountIds: options.account };
    const [{ withServiceDependencies }, { enqueueResync }, { SingleBar, Presets }] = await Promise.all([
      import('../service-runner'),
      import('../../resync/enqueue-resync'),
      import('cli-progress'),
    ]);
    return withServiceDependencies(context, 'resync', async deps => {
      const tty = Boolean((context.stdout as { isTTY?: boolean }).isTTY);
      const bar = tty
        ? new SingleBar(
            { format: 'resync [{bar}] {value}/{total} users', stream: process.stdout },
            Presets.shades_classic,
          )
        : undefined;
      const result = await enqueueResync(selection, { ...deps, source: 'cli resync' }, ({ total, done }) => {
        if (bar === undefined) return;
        if (bar.getTotal() !== total) bar.start(total, done);
        bar.update(done);
      });
      bar?.stop();
      context.stdout.write(`resync enqueued ${result.jobs} jobs for ${result.users} users\n`);
      return ExitCodes.ok;
    });
  },
});
