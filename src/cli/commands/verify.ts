import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';

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
  run: async (options, context) => {
    const [{ withServiceDependencies }, { auditDrift }, { enqueueRepairs }, { formatDriftReport }] =
      await Promise.all([
        import('../service-runner'),
        import('../../verify/audit-drift'),
        import('../../verify/enqueue-repairs'),
        import('../../verify/format-drift-report'),
      ]);
    return withServiceDependencies(context, 'verify', async deps => {
      const report = await auditDrift(deps.collections);
      const repairs = options.fix && report.total > 0 ? await enqueueRepairs(report, deps.queues) : undefined;
      context.stdout.write(
        options.json
          ? `${JSON.stringify({ ...report.toJSON(), ...(repairs ? { repairsEnqueued: repairs } : {}) }, null, 2)}\n`
          : formatDriftReport(report, repairs),
      );
      return report.total === 0 ? ExitCodes.ok : ExitCodes.failure;
    });
  },
});
