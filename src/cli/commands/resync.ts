import type { ResyncSelection } from '../../resync/enqueue-resync';
import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';
import { collectObjectIds } from '../option-parsers';

export interface ResyncOptions {
  /** User ids (24-hex), lower-cased; repeatable. */
  user?: string[];
  /** Account ids: every user, order and business contact of these accounts; repeatable. */
  account?: string[];
  /** Order ids: the order's team copies, responsible list and tasks; repeatable. */
  order?: string[];
  all?: boolean;
}

export const resyncCommand = defineCommand<ResyncOptions>({
  name: 'resync',
  configure: command =>
    command
      .description(
        'enqueue the sync jobs for those users, orders, accounts (backfill, repair), with a progress bar',
      )
      .option('--user <id>', 'a user id (repeatable)', collectObjectIds)
      .option(
        '--account <id>',
        'an account: its users, orders and business contacts (repeatable)',
        collectObjectIds,
      )
      .option(
        '--order <id>',
        'an order: its team copies, responsible list and tasks (repeatable)',
        collectObjectIds,
      )
      .option('--all', 'every user and order'),
  run: async (options, context) => {
    if (!options.all && !options.user?.length && !options.account?.length && !options.order?.length) {
      context.stderr.write('user-sync resync: choose --all, --user ID, --account ID or --order ID\n');
      return ExitCodes.usage;
    }
    const selection: ResyncSelection = options.all
      ? { all: true }
      : { userIds: options.user, accountIds: options.account, orderIds: options.order };
    const [{ withServiceDependencies }, { enqueueResync }, { SingleBar, Presets }] = await Promise.all([
      import('../one-shot-runner'),
      import('../../resync/enqueue-resync'),
      import('cli-progress'),
    ]);
    return withServiceDependencies(context, 'resync', async deps => {
      const tty = Boolean((context.stdout as { isTTY?: boolean }).isTTY);
      const bar = tty
        ? new SingleBar(
            { format: 'resync [{bar}] {value}/{total} documents', stream: process.stdout },
            Presets.shades_classic,
          )
        : undefined;
      const dependencies = { ...deps, source: 'cli resync', syncReferences: deps.config.syncReferences };
      const result = await enqueueResync(selection, dependencies, ({ total, done }) => {
        if (bar === undefined) return;
        if (bar.getTotal() !== total) bar.start(total, done);
        bar.update(done);
      });
      bar?.stop();
      const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
      const covered = [
        ...(result.users > 0 || result.orders + result.accounts === 0 ? [counted(result.users, 'user')] : []),
        ...(result.orders > 0 ? [counted(result.orders, 'order')] : []),
        ...(result.accounts > 0 ? [counted(result.accounts, 'account')] : []),
      ];
      context.stdout.write(`resync enqueued ${counted(result.jobs, 'job')} for ${covered.join(', ')}\n`);
      if (!options.all && result.users + result.orders + result.accounts === 0) {
        context.stderr.write('user-sync resync: no user, account or order has the given id\n');
        return ExitCodes.failure;
      }
      return ExitCodes.ok;
    });
  },
});
