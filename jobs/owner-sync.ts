/**
 * owner-sync: an owner's account carries Owner(U), and the account's business contacts carry U's email.
 * A user who is not (or no longer) an owner, or who was deleted, changes nothing.
 */
import { parseJobData, toObjectId, userJobDataSchema } from '../src/sync/job-data';
import { readUser } from '../src/sync/read-users';
import { writeUntilSettled } from '../src/sync/settle';
import type { SyncJobContext } from '../src/sync/sync-job-context';
import { InvalidUserError } from '../src/sync/user-document';
import { toOwner } from '../src/sync/user-meta';

export interface OwnerSyncResult {
  skipped?: 'user-not-found' | 'not-owner';
  accountsUpdated: number;
  contactsUpdated: number;
}

export default async function ownerSync(data: unknown, ctx: SyncJobContext): Promise<OwnerSyncResult> {
  const { userId } = parseJobData(userJobDataSchema, data);
  const { accounts, contacts } = ctx.collections;
  return writeUntilSettled(
    () => readUser(ctx.collections, toObjectId(userId)),
    async user => {
      if (user === null) return { skipped: 'user-not-found', accountsUpdated: 0, contactsUpdated: 0 };
      if (user.is_owner !== true) return { skipped: 'not-owner', accountsUpdated: 0, contactsUpdated: 0 };
      if (user.account === undefined) {
        throw new InvalidUserError(
          userId,
          ['account'],
          `user ${userId} is invalid: account is required for an owner`,
        );
      }
      const owner = toOwner(user);
      const account = await accounts.updateOne({ _id: user.account }, { $set: { owner } });
      const business = await contacts.updateMany(
        { account: user.account, type: 'business', email: { $ne: user.email } },
        { $set: { email: user.email } },
      );
      return { accountsUpdated: account.modifiedCount, contactsUpdated: business.modifiedCount };
    },
  );
}
