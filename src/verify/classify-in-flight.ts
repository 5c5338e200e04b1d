/**
 * `verify` on a live system (SPEC §3): a copy can drift for a moment between a user's change and the job
 * that follows it. Such drift is "in flight", not drift: after a grace period, a finding whose subject
 * some job still waiting or running names, or that no longer drifts when read again, is in flight; only
 * the rest is drift, the kind worth an alert. The queues are read before the documents are read again, so
 * a job that finishes in between shows as settled rather than slipping through both checks.
 */
import type { Queue } from 'bullmq';
import type { SyncQueueName } from '../queues/queue-names';
import type { SyncCollections } from '../sync/sync-job-context';
import { scanQueuesForSubjects, type QueueScan, type ScanOptions } from './busy-subjects';
import { DriftReport, type DriftKind, type Finding } from './drift-report';
import { findingKey, recheckDrift } from './recheck-drift';

export interface InFlightOptions extends ScanOptions {
  /** How long a change may take to reach its copies before its drift counts. */
  graceMs: number;
  /** @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface ClassifiedDrift {
  /** Drift that stays: no job names its subject and it still drifts after the grace period. */
  drift: DriftReport;
  inFlight: DriftReport;
  /** In flight because a job waiting or running names the subject. */
  queued: number;
  /** In flight because it no longer drifted when read again. */
  settled: number;
  scan?: QueueScan;
}

export async function classifyInFlight(
  report: DriftReport,
  collections: SyncCollections,
  queues: { get(name: SyncQueueName): Pick<Queue, 'getJobCounts' | 'getJobs'> },
  options: InFlightOptions,
): Promise<ClassifiedDrift> {
  const drift = new DriftReport();
  const inFlight = new DriftReport();
  Object.assign(drift.scanned, report.scanned);
  if (report.total === 0) return { drift, inFlight, queued: 0, settled: 0 };

  await (options.sleep ?? (ms => new Promise<void>(resolve => setTimeout(resolve, ms))))(options.graceMs);
  const scan = await scanQueuesForSubjects(queues, subjectsOf(report.findings), options);
  const still = await recheckDrift(report.findings, collections);
  let queued = 0;
  let settled = 0;
  const kept = new Map<DriftKind, number>();
  for (const finding of report.findings) {
    kept.set(finding.kind, (kept.get(finding.kind) ?? 0) + 1);
    if (!still.has(findingKey(finding))) {
      settled += 1;
      inFlight.record(finding.kind, finding.id, finding.subjects);
    } else if (idsOf(finding).some(id => scan.busy.has(id))) {
      queued += 1;
      inFlight.record(finding.kind, finding.id, finding.subjects);
    } else {
      drift.record(finding.kind, finding.id, finding.subjects);
    }
  }
  // Findings past the cap were counted but not kept: without them to check, they count as drift.
  for (const [kind, entry] of report.kinds) drift.addUnkept(kind, entry.count - (kept.get(kind) ?? 0));
  return { drift, inFlight, queued, settled, scan };
}

function idsOf(finding: Finding): string[] {
  const { users = [], orders = [], accounts = [] } = finding.subjects;
  return [finding.id, ...users, ...orders, ...accounts];
}

function subjectsOf(findings: readonly Finding[]): Set<string> {
  return new Set(findings.flatMap(idsOf));
}
