import { defineCommand } from '../command-definition';
import { notImplemented } from './not-implemented';

export const listenerCommand = defineCommand({
  name: 'listener',
  configure: command =>
    command.description(
      'watch the users change stream and enqueue sync jobs; saves its resume token after enqueueing; one active listener per deployment, others stand by',
    ),
  run: (_options, context) => notImplemented('listener', context),
});
