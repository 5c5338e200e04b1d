import type { SyncQueueName } from '../queues/queue-names';
import { userSyncCommand } from '../cli/invocation';
import type { ClassifiedDrift } from './classify-in-flight';
import type { DriftReport } from './drift-report';

/**
 * The human form of `verify`'s report: what was checked, what is in flight (listed apart under its own
 * heading: it needs no one), then the drift under its heading, one line per kind with sample ids, and
 * what --fix did.
 */
export function formatDriftReport(
  classified: ClassifiedDrift,
  { graceSeconds, repairs }: { graceSeconds: number; repairs?: Record<SyncQueueName, number> },
): string {
  const { drift, inFlight } = classified;
  const { scanned, total } = drift.toJSON();
  const lines = [
    // Accounts and contacts are those the rules cover: an owner's account, its business contacts.
    `checked ${scanned.users} users, ${scanned.accounts} accounts with an owner, ${scanned.contacts} business contacts of those, ${scanned.orders} orders, ${scanned.tasks} tasks`,
  ];
  if (inFlight.total > 0) {
    lines.push(
      `in flight: ${inFlight.total} (sync work waiting or running for ${classified.queued}, settled within ${graceSeconds} s for ${classified.settled}); not drift`,
      ...kindLines(inFlight),
    );
    if (classified.scan?.truncated)
      lines.push(
        `  (read ${classified.scan.jobsRead} of ${classified.scan.jobsInFlight} jobs in flight; the rest were not looked at)`,
      );
  }
  if (total === 0) {
    const clean =
      inFlight.total === 0
        ? 'no drift: every derived copy matches the rules'
        : 'no drift: every derived copy matches the rules or has sync work in flight';
    return `${[...lines, clean].join('\n')}\n`;
  }
  lines.push(`drift found: ${total} (copies that differ from what the rules compute)`, ...kindLines(drift));
  if (repairs) {
    const added = Object.entries(repairs)
      .filter(([, count]) => count > 0)
      .map(([queue, count]) => `${queue} ×${count}`);
    lines.push(`repairs enqueued: ${added.length > 0 ? added.join(', ') : 'none'}`);
  } else {
    lines.push(`run \`${userSyncCommand('verify --fix')}\` to enqueue repairs`);
  }
  return `${lines.join('\n')}\n`;
}

function kindLines(report: DriftReport): string[] {
  return Object.entries(report.toJSON().drift)
    .filter(([, entry]) => entry.count > 0)
    .map(([kind, entry]) => `  ${kind}: ${entry.count} (e.g. ${entry.samples.join(', ')})`);
}

/** The JSON form: the drift as before, plus the in-flight section and what the check read. */
export function driftReportJson(
  classified: ClassifiedDrift,
  {
    graceSeconds,
    repairs,
    unkept,
  }: { graceSeconds: number; repairs?: Record<SyncQueueName, number>; unkept: number },
) {
  const { scan } = classified;
  return {
    ...classified.drift.toJSON(),
    inFlight: {
      total: classified.inFlight.total,
      queued: classified.queued,
      settled: classified.settled,
      drift: classified.inFlight.toJSON().drift,
    },
    checks: {
      graceSeconds,
      jobsInFlight: scan?.jobsInFlight ?? 0,
      jobsRead: scan?.jobsRead ?? 0,
      queuesReadInFull: !(scan?.truncated ?? false),
      /** Findings past the limit kept for checking: counted as drift. */
      findingsNotChecked: unkept,
    },
    ...(repairs ? { repairsEnqueued: repairs } : {}),
  };
}
