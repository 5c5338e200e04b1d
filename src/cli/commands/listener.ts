import { defineCommand } from '../command-definition';

export const listenerCommand = defineCommand({
  name: 'listener',
  configure: command =>
    command.description(
      'watch the change stream of users (and, with SYNC_REFERENCES, the join fields of orders, tasks, accounts and contacts) and enqueue sync jobs; saves its resume token after enqueueing; one active listener per deployment, others stand by',
    ),
  run: async (_options, context) => {
    const [{ runServiceRole }, { startListenerRole }] = await Promise.all([
      import('../service-runner'),
      import('../../roles/start-listener-role'),
    ]);
    return runServiceRole(context, 'listener', async (deps, releasers, http) => {
      http.attach({ deps, listener: startListenerRole(deps, releasers) });
    });
  },
});
