import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';
import { parseSeconds } from '../option-parsers';

export interface VerifyOptions {
  fix?: boolean;
  json?: boolean;
  /** Seconds a change may take to reach its copies before its drift counts. */
  grace: number;
}

export const verifyCommand = defineCommand<VerifyOptions>({
  name: 'verify',
  configure: command =>
    command
      .description(
        'audit every derived copy against the rules; drift whose subject still has sync work queued or running is reported as in flight; exit 1 only for drift that persists',
      )
      .option('--fix', 'enqueue repairs for the drift found')
      .option('--json', 'print the report as JSON')
      .option(
        '--grace <seconds>',
        'drift that is gone when read again after this long was in flight',
        parseSeconds,
        5,
      ),
  run: async (options, context) => {
    const [
      { withServiceDependencies },
      { auditDrift },
      { classifyInFlight },
      { enqueueRepairs },
      { formatDriftReport, driftReportJson },
    ] = await Promise.all([
      import('../one-shot-runner'),
      import('../../verify/audit-drift'),
      import('../../verify/classify-in-flight'),
      import('../../verify/enqueue-repairs'),
      import('../../verify/format-drift-report'),
    ]);
    return withServiceDependencies(context, 'verify', async deps => {
      const report = await auditDrift(deps.collections);
      const classified = await classifyInFlight(report, deps.collections, deps.queues, {
        graceMs: options.grace * 1000,
      });
      // Repairs are level-triggered: repairing what is in flight as well costs a job, never a wrong write.
      const repairs = options.fix && report.total > 0 ? await enqueueRepairs(report, deps.queues) : undefined;
      const shown = { graceSeconds: options.grace, repairs };
      context.stdout.write(
        options.json
          ? `${JSON.stringify(driftReportJson(classified, { ...shown, unkept: report.unkeptFindings }), null, 2)}\n`
          : formatDriftReport(classified, shown),
      );
      return classified.drift.total === 0 ? ExitCodes.ok : ExitCodes.failure;
    });
  },
});
