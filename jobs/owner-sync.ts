/**
 * owner-sync: an owner's account carries Owner(U), and the account's business contacts carry U's email.
 * A user who is not (or no longer) an owner, or who was deleted, changes nothing. One bulkWrite per
 * collection for the whole batch. A job for accounts (one created, or given a business contact: SPEC
 * §2b) is the job for their owners, found when it runs; an account without an owner has nothing to copy.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { ownerJobDataSchema, parseJobData, toObjectId, type JobCause } from '../src/sync/job-data';
import { syncUserBatch, userBatchResult, type UserBatchResult } from '../src/sync/sync-user-batch';
import type { SyncJobContext } from '../src/sync/sync-job-context';
import { InvalidUserError, type UserDocument } from '../src/sync/user-document';
import { toOwner } from '../src/sync/user-meta';

export type OwnerSyncResult = UserBatchResult<{ accountsUpdated: number; contactsUpdated: number }>;

export default async function ownerSync(data: unknown, ctx: SyncJobContext): Promise<OwnerSyncResult> {
  const payload = parseJobData(ownerJobDataSchema, data);
  const owners = 'accountIds' in payload ? await ownersOf(ctx, payload.accountIds, payload.cause) : payload;
  if (owners === undefined) return userBatchResult({ accountsUpdated: 0, contactsUpdated: 0 }, new Map());
  const { accounts, contacts } = ctx.collections;
  const { outcomes, totals } = await syncUserBatch(
    owners,
    ctx,
    async batch => {
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
    },
    // Contacts are guarded by `$ne`; the account's statement is not, but the server does not count a `$set`
    // of the value already there as a modification. Nothing modified: every account already held Owner(U)
    // and every business contact U's email as this run read them, so nothing stale was written and the
    // owners need not be read again. A non-owner (most users) is never written for at all.
    { modified: totals => totals.accountsUpdated + totals.contactsUpdated },
  );
  return userBatchResult(totals, outcomes);
}

/** The owners of the accounts, as a user batch; undefined when none of the accounts has one yet. */
async function ownersOf(ctx: SyncJobContext, accountIds: string[], cause: JobCause) {
  const found = await ctx.collections.users
    .find(
      { account: { $in: accountIds.map(toObjectId) }, is_owner: true },
      { projection: { _id: 1 }, batchSize: accountIds.length + 1 },
    )
    .toArray();
  return found.length === 0 ? undefined : { userIds: found.map(user => String(user._id)), cause };
}
