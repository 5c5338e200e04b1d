import { auditDrift } from '../../verify/audit-drift';
import { enqueueRepairs } from '../../verify/enqueue-repairs';
import { formatDriftReport } from '../../verify/format-drift-report';
import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';
import { withServiceDependencies } from '../service-runner';

export interface VerifyOptions {
  fix?: boolean;
  json?: boolean;
}

export const verifyCommand = defineCommand<VerifyOptions>({
  name: 'verify',
  configure: command =>
    command
      .description('audit every derived copy against the rules; exit 1 when drift is found')
      .option('--fix', 'enqueue repairs for the drift found')
      .option('--json', 'print the report as JSON'),
  run: (options, context) =>
    withServiceDependencies(context, 'verify', async deps => {
      const report = await auditDrift(deps.collections);
      const repairs = options.fix && report.total > 0 ? await enqueueRepairs(report, deps.queues) : undefined;
      context.stdout.write(
        options.json
          ? `${JSON.stringify({ ...report.toJSON(), ...(repairs ? { repairsEnqueued: repairs } : {}) }, null, 2)}\n`
          : formatDriftReport(report, repairs),
      );
      return report.total === 0 ? ExitCodes.ok : ExitCodes.failure;
    }),
});
