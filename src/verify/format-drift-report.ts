import type { SyncQueueName } from '../queues/queue-names';
import type { DriftReport } from './drift-report';

/** The human form of `verify`'s report: one line per kind with drift, sample ids, and what --fix did. */
export function formatDriftReport(report: DriftReport, repairs?: Record<SyncQueueName, number>): string {
  const { scanned, drift, total } = report.toJSON();
  const lines = [
    `scanned ${scanned.users} users, ${scanned.accounts} accounts, ${scanned.contacts} contacts, ${scanned.orders} orders, ${scanned.tasks} tasks`,
  ];
  if (total === 0) return `${[...lines, 'no drift: every derived copy matches the rules'].join('\n')}\n`;
  for (const [kind, entry] of Object.entries(drift)) {
    if (entry.count > 0) lines.push(`  ${kind}: ${entry.count} (e.g. ${entry.samples.join(', ')})`);
  }
  lines.push(`drift found: ${total}`);
  if (repairs) {
    const added = Object.entries(repairs)
      .filter(([, count]) => count > 0)
      .map(([queue, count]) => `${queue} ×${count}`);
    lines.push(`repairs enqueued: ${added.length > 0 ? added.join(', ') : 'none'}`);
  } else {
    lines.push('run `user-sync verify --fix` to enqueue repairs');
  }
  return `${lines.join('\n')}\n`;
}
