import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';

export const dashboardCommand = defineCommand({
  name: 'dashboard',
  configure: command =>
    command.description(
      'Bull Board at / (API under /api/) for every queue incl. dead-letter, behind credentials; open /healthz, /readyz, /metrics on PORT',
    ),
  run: async (_options, context) => {
    const [{ loadConfig }, { dashboardAccess }] = await Promise.all([
      import('../../config/load-config'),
      import('../../http/dashboard-credentials'),
    ]);
    const access = dashboardAccess(loadConfig(context.env));
    if (access.mode === 'refused') {
      context.stderr.write(`user-sync dashboard: ${access.problem}\n`);
      return ExitCodes.failure;
    }
    const { runServiceRole } = await import('../service-runner');
    return runServiceRole(context, 'dashboard', async (deps, _releasers, http) => http.attach({ deps }), {
      dashboard: true,
    });
  },
});
