import { loadConfig } from '../../config/load-config';
import { dashboardAccess } from '../../http/dashboard-credentials';
import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';

export const dashboardCommand = defineCommand({
  name: 'dashboard',
  configure: command =>
    command.description(
      'Bull Board at / (API under /api/) for every queue incl. dead-letter, behind credentials; open /healthz, /readyz, /metrics on PORT',
    ),
  run: async (_options, context) => {
    const access = dashboardAccess(loadConfig(context.env));
    if (access.mode === 'refused') {
      context.stderr.write(`user-sync dashboard: ${access.problem}\n`);
      return ExitCodes.failure;
    }
    const [{ runServiceRole }, { startProbeServer }] = await Promise.all([
      import('../service-runner'),
      import('../../http/start-probe-server'),
    ]);
    return runServiceRole(context, 'dashboard', async (deps, releasers) => {
      await startProbeServer({ role: 'dashboard', deps, releasers, dashboard: true });
    });
  },
});
