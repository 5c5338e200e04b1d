/** owner-sync's copies: each owner's account owner object, and its business contacts' email. */
import type { Document, ObjectId } from 'mongodb';
import { bsonEqual } from '../sync/bson-equal';
import type { SyncCollections } from '../sync/sync-job-context';
import { parseUserDocument, type UserDocument } from '../sync/user-document';
import { toOwner } from '../sync/user-meta';
import { DriftKinds, type DriftReport } from './drift-report';
import { inBatches } from './in-batches';

/** Streams every user, so a user that breaks the schema is reported even when nothing references it. */
export async function auditOwners(
  collections: SyncCollections,
  report: DriftReport,
  /** Only these users (a re-check); every user when omitted. */
  filter: Document = {},
): Promise<void> {
  const users = collections.users.find(filter, {
    projection: { _id: 1, name: 1, email: 1, phone: 1, image: 1, account: 1, is_owner: 1 },
  });
  for await (const batch of inBatches(users)) {
    report.scanned.users += batch.length;
    const valid = validUsers(batch, report).filter(
      user => user.is_owner === true && user.account !== undefined,
    );
    const accountIds = valid.map(user => user.account as ObjectId);
    const accounts = new Map(
      (
        await collections.accounts.find({ _id: { $in: accountIds } }, { projection: { owner: 1 } }).toArray()
      ).map(account => [String(account._id), account]),
    );
    report.scanned.accounts += accounts.size;
    const byAccount = new Map(valid.map(user => [String(user.account), user]));
    for (const user of valid) {
      const account = accounts.get(String(user.account));
      if (account !== undefined && !bsonEqual(account.owner, toOwner(user))) {
        report.record(DriftKinds.accountOwner, String(account._id), {
          users: [user._id.toHexString()],
          accounts: [String(account._id)],
        });
        report.repairs.ownerSync.add(user._id.toHexString());
      }
    }
    const contacts = collections.contacts.find(
      { account: { $in: accountIds }, type: 'business' },
      { projection: { account: 1, email: 1 } },
    );
    for await (const contact of contacts) {
      report.scanned.contacts += 1;
      const owner = byAccount.get(String(contact.account));
      if (owner !== undefined && contact.email !== owner.email) {
        report.record(DriftKinds.businessContactEmail, String(contact._id), {
          users: [owner._id.toHexString()],
          accounts: [String(contact.account)],
        });
        report.repairs.ownerSync.add(owner._id.toHexString());
      }
    }
  }
}

/** Users that break the schema cannot be synced; they are reported, not repaired. */
export function validUsers(raw: unknown[], report: DriftReport): UserDocument[] {
  return raw.flatMap(candidate => {
    try {
      return [parseUserDocument(candidate)];
    } catch {
      report.recordInvalidUser(String((candidate as { _id?: unknown })._id));
      return [];
    }
  });
}
