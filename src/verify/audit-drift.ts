/**
 * SPEC §2's convergence invariant, checked: once queues are drained, every derived copy equals what the
 * rules compute from the current users. The operator's proof that the system converged, and our tests' oracle.
 */
import type { SyncCollections } from '../sync/sync-job-context';
import { auditOrders } from './audit-orders';
import { auditOwners } from './audit-owners';
import { DriftReport } from './drift-report';

export async function auditDrift(collections: SyncCollections): Promise<DriftReport> {
  const report = new DriftReport();
  await auditOwners(collections, report);
  await auditOrders(collections, report);
  return report;
}
