import { startProbeServer } from '../../http/start-probe-server';
import { startListenerRole } from '../../roles/start-listener-role';
import { defineCommand } from '../command-definition';
import { runServiceRole } from '../service-runner';

export const listenerCommand = defineCommand({
  name: 'listener',
  configure: command =>
    command.description(
      'watch the users change stream and enqueue sync jobs; saves its resume token after enqueueing; one active listener per deployment, others stand by',
    ),
  run: (_options, context) =>
    runServiceRole(context, 'listener', async (deps, releasers) => {
      const listener = startListenerRole(deps, releasers);
      await startProbeServer({ role: 'listener', deps, releasers, listener });
    }),
});
