/**
 * What `replay` prints. It counts jobs apart from entries: entries of one lineage (a job replayed, failed
 * again, and its original retried and failed too) replay as one job, and an operator who reads "2 entries"
 * must not expect two jobs to watch.
 */
import type { ReplayReport } from './replay-dead-letters';
import { plural, summarizeByQueue } from './summarize-by-queue';

export function formatReplayReport(report: ReplayReport, requestedId?: string): string {
  const { replayed, skipped } = report;
  const lines = [
    headline(report),
    ...replayed.map(
      item =>
        `  ${item.deadLetterId} -> ${item.queue} job ${item.newJobId}` +
        (item.joined === undefined ? '' : ` (joined the existing job, ${item.joined.state})`),
    ),
    ...skipped.map(item => `  skipped ${item.deadLetterId}: ${item.reason}`),
    ...(requestedId !== undefined && replayed.length + skipped.length === 0
      ? [`  no dead-letter entry has the id ${requestedId} (already replayed?)`]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** `replayed 2 entries as 1 new job (1 entry joined an existing job): manager-sync ×2` */
function headline({ replayed }: ReplayReport): string {
  if (replayed.length === 0) return 'replayed 0 entries';
  const joined = replayed.filter(item => item.joined !== undefined).length;
  const jobs = plural(replayed.length - joined, 'new job');
  const fold = joined > 0 ? ` (${plural(joined, 'entry', 'entries')} joined an existing job)` : '';
  return `replayed ${plural(replayed.length, 'entry', 'entries')} as ${jobs}${fold}: ${summarizeByQueue(replayed)}`;
}
