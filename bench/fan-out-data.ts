/**
 * A user on N orders, as the seed's Step 4 finds them: each order lists the user and a colleague in
 * assigned_user_ids and metadata.responsible, and has one task mirroring that array. The user's copies
 * are stale, so both approaches take the in-place path (the user's element exists, only its values moved).
 */
import { ObjectId, type Document } from 'mongodb';
import type { SyncCollections } from '../src/sync/sync-job-context';
import { parseUserDocument } from '../src/sync/user-document';
import { toUserMeta } from '../src/sync/user-meta';

export interface FanOutUser {
  userId: ObjectId;
  orders: number;
}

function person(label: string): Document {
  return {
    _id: new ObjectId(),
    account: new ObjectId(),
    is_owner: false,
    name: label,
    email: `${label.replace(/\W+/g, '.').toLowerCase()}@example.com`,
    phone: '+15550000000',
    image: `https://img.example.com/${label.replace(/\W+/g, '-')}.png`,
  };
}

/** The copy the rules write, from the same function the jobs use. */
const meta = (user: Document) => toUserMeta(parseUserDocument(user));

export async function insertFanOutUser(collections: SyncCollections, orders: number): Promise<FanOutUser> {
  const user = person(`Fan-out user ${orders}`);
  const colleague = person(`Colleague of ${orders}`);
  await collections.users.insertMany([user, colleague]);
  const responsible = [{ ...meta(user), name: 'stale' }, meta(colleague)];
  const orderDocs = Array.from({ length: orders }, () => ({
    _id: new ObjectId(),
    status: 'active',
    manager: colleague._id,
    assigned_user_ids: [user._id, colleague._id],
    metadata: { responsible },
  }));
  await collections.orders.insertMany(orderDocs, { ordered: false });
  await collections.tasks.insertMany(
    orderDocs.map(order => ({
      _id: new ObjectId(),
      order_id: order._id,
      title: 'task',
      order_metadata: { responsible },
    })),
    { ordered: false },
  );
  return { userId: user._id, orders };
}

/** Gives the user a new name, as the change that triggers a sync would; returns the user afterwards. */
export async function renameUser(
  collections: SyncCollections,
  userId: ObjectId,
  name: string,
): Promise<Document> {
  const user = await collections.users.findOneAndUpdate(
    { _id: userId },
    { $set: { name } },
    { returnDocument: 'after' },
  );
  if (user === null) throw new Error(`user ${userId.toHexString()} disappeared`);
  return user;
}

/** Throws unless every order and task of the user shows `name`: a run that did not do the work is no result. */
export async function assertSynced(
  collections: SyncCollections,
  fanOut: FanOutUser,
  name: string,
): Promise<void> {
  const element = { $elemMatch: { id: fanOut.userId, name } };
  const orders = await collections.orders.countDocuments({
    assigned_user_ids: fanOut.userId,
    'metadata.responsible': element,
  });
  const tasks = await collections.tasks.countDocuments({ 'order_metadata.responsible': element });
  if (orders !== fanOut.orders || tasks !== fanOut.orders) {
    throw new Error(
      `after syncing "${name}": ${orders} of ${fanOut.orders} orders and ${tasks} tasks show it`,
    );
  }
}
