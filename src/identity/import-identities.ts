/**
 * `import-identities`: every user the provider already has, each sent through identity-sync as a
 * `user.updated` event (SPEC §7), so it creates the users who are missing and changes nothing for the
 * others. A second run adds the same job ids, or, once those are gone, jobs that find nothing to change.
 */
import type { Queue } from 'bullmq';
import { ClerkEventError, checkClerkUser } from './clerk-event';
import { clerkUserPages, type ClerkListOptions } from './clerk-user-pages';
import { importJobId, slimUser } from './identity-job';

export interface ImportReport {
  listed: number;
  queued: number;
  /** Users the provider lists that cannot be imported (no email address...), by provider id. */
  skipped: { clerkId: string; reason: string }[];
}

export async function importIdentities(
  queue: Pick<Queue, 'addBulk'>,
  options: ClerkListOptions,
  onPage: (report: ImportReport) => void = () => {},
): Promise<ImportReport> {
  const report: ImportReport = { listed: 0, queued: 0, skipped: [] };
  for await (const page of clerkUserPages(options)) {
    const jobs = [];
    for (const [index, raw] of page.entries()) {
      report.listed += 1;
      try {
        const user = slimUser(checkClerkUser(raw, 'user'));
        jobs.push({
          name: 'user.updated',
          data: { type: 'user.updated' as const, source: 'import' as const, user },
          opts: { jobId: importJobId(user) },
        });
      } catch (error) {
        if (!(error instanceof ClerkEventError)) throw error;
        const clerkId = (raw as { id?: unknown } | null)?.id;
        report.skipped.push({
          clerkId: typeof clerkId === 'string' ? clerkId : `(entry ${report.listed - page.length + index})`,
          reason: error.message,
        });
      }
    }
    if (jobs.length > 0) await queue.addBulk(jobs);
    report.queued += jobs.length;
    onPage(report);
  }
  return report;
}
