import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';

export const allCommand = defineCommand({
  name: 'all',
  configure: command =>
    command.description(
      'listener + worker + dashboard (+ webhooks when CLERK_WEBHOOK_SECRET is set) in one process; /readyz answers 200 once MongoDB and Redis answer and the change stream is open',
    ),
  run: async (_options, context) => {
    const [{ loadConfig }, { dashboardAccess }] = await Promise.all([
      import('../../config/load-config'),
      import('../../http/dashboard-credentials'),
    ]);
    const access = dashboardAccess(loadConfig(context.env));
    if (access.mode === 'refused') {
      context.stderr.write(`user-sync all: ${access.problem}\n`);
      return ExitCodes.failure;
    }
    const [{ runServiceRole }, { startAllRoles }] = await Promise.all([
      import('../service-runner'),
      import('../../roles/start-all-roles'),
    ]);
    return runServiceRole(
      context,
      'all',
      async (deps, releasers, http) => {
        await startAllRoles(deps, releasers, 'all', http);
      },
      { dashboard: true },
    );
  },
});
