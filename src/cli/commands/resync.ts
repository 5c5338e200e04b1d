import { defineCommand } from '../command-definition';
import { collectObjectIds } from '../option-parsers';
import { notImplemented } from './not-implemented';

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
  run: (_options, context) => notImplemented('resync', context),
});
