/**
 * owner-sync: an owner's account carries Owner(U), and the account's business contacts carry U's email.
 * A user who is not (or no longer) an owner, or who was deleted, changes nothing. One bulkWrite per
 * collection for the whole batch.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { parseUserJob, syncUserBatch, type UserBatchResult } from '../src/sync/sync-user-batch';
import type { SyncJobContext } from '../src/sync/sync-job-context';
import { InvalidUserError, type UserDocument } from '../src/sync/user-document';
import { toOwner } from '../src/sync/user-meta';

export type OwnerSyncResult = UserBatchResult<{ accountsUpdated: number; contactsUpdated: number }>;

export default async function ownerSync(data: unknown, ctx: SyncJobContext): Promise<OwnerSyncResult> {
  const { accounts, contacts } = ctx.collections;
  const { users, totals } = await syncUserBatch(parseUserJob(data), ctx, async batch => {
    const owners: (UserDocument & { account: NonNullable<UserDocument['account']> })[] = [];
    for (const user of batch.valid) {
      const id = user._id.toHexString();
      if (user.is_owner !== true) batch.outcomes.set(id, 'not-owner');
      else if (user.account === undefined) {
        batch.outcomes.delete(id);
        batch.invalid.set(
          id,
          new InvalidUserError(id, ['account'], `user ${id} is invalid: account is required for an owner`),
        );
      } else owners.push({ ...user, account: user.account });
    }
    if (owners.length === 0) return { accountsUpdated: 0, contactsUpdated: 0 };
    const accountWrites: AnyBulkWriteOperation<Document>[] = owners.map(owner => ({
      updateOne: { filter: { _id: owner.account }, update: { $set: { owner: toOwner(owner) } } },
    }));
    const contactWrites: AnyBulkWriteOperation<Document>[] = owners.map(owner => ({
      updateMany: {
        filter: { account: owner.account, type: 'business', email: { $ne: owner.email } },
        update: { $set: { email: owner.email } },
      },
    }));
    const [account, business] = await Promise.all([
      accounts.bulkWrite(accountWrites, { ordered: false }),
      contacts.bulkWrite(contactWrites, { ordered: false }),
    ]);
    return { accountsUpdated: account.modifiedCount, contactsUpdated: business.modifiedCount };
  });
  return { ...totals, users };
}
