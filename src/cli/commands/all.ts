import { defineCommand } from '../command-definition';
import { notImplemented } from './not-implemented';

export const allCommand = defineCommand({
  name: 'all',
  configure: command => command.description('listener + worker + dashboard in one process'),
  run: (_options, context) => notImplemented('all', context),
});
