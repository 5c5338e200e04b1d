/**
 * Audits again only what drifted: the users behind owner and invalid-user findings, the orders behind
 * order and task findings, read fresh. What no longer drifts was sync work in flight when first seen.
 */
import { ObjectId } from 'mongodb';
import type { SyncCollections } from '../sync/sync-job-context';
import { auditOrders } from './audit-orders';
import { auditOwners } from './audit-owners';
import { DriftKinds, DriftReport, type DriftKind, type Finding } from './drift-report';

const USER_KINDS: ReadonlySet<DriftKind> = new Set([
  DriftKinds.accountOwner,
  DriftKinds.businessContactEmail,
  DriftKinds.invalidUser,
]);

const CHUNK = 1000;

/** Keys (`kind:id`) of the findings that still drift. */
export async function recheckDrift(
  findings: readonly Finding[],
  collections: SyncCollections,
): Promise<Set<string>> {
  const users = new Set<string>();
  const orders = new Set<string>();
  const still = new Set<string>();
  for (const finding of findings) {
    const ids = USER_KINDS.has(finding.kind) ? finding.subjects.users : finding.subjects.orders;
    const target = USER_KINDS.has(finding.kind) ? users : orders;
    // A subject whose id is no ObjectId cannot be looked up again: its drift stands.
    if (ids === undefined || ids.length === 0 || !ids.every(isHexId)) still.add(findingKey(finding));
    else for (const id of ids) target.add(id);
  }
  const again = new DriftReport(Number.MAX_SAFE_INTEGER);
  for (const chunk of chunks([...users]))
    await auditOwners(collections, again, { _id: { $in: chunk.map(id => new ObjectId(id)) } });
  for (const chunk of chunks([...orders]))
    await auditOrders(collections, again, { _id: { $in: chunk.map(id => new ObjectId(id)) } });
  for (const finding of again.findings) still.add(findingKey(finding));
  return still;
}

export function findingKey(finding: Pick<Finding, 'kind' | 'id'>): string {
  return `${finding.kind}:${finding.id}`;
}

function isHexId(id: string): boolean {
  return /^[0-9a-f]{24}$/i.test(id);
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) result.push(items.slice(start, start + CHUNK));
  return result;
}
