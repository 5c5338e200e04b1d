/**
 * The operator scenario's data, written straight through the driver as a platform would hold it: each
 * user manages ORDERS_PER_USER orders (and is their only responsible user), each order has one task. Every
 * copy starts stale (name "stale", other fields right) so a backfill has all of it to do, and the counts
 * below tell, from the documents alone, how much of it is still to do.
 */
import { ObjectId, type Db, type Document } from 'mongodb';

export const ORDERS_PER_USER = 3;
export const TASKS_PER_ORDER = 1;
export const STALE_NAME = 'stale';

export const COLLECTIONS = { users: '_users', orders: '_store.orders', tasks: 'projects.tasks' } as const;

// Users per insertMany round: 1,000 users are 7,000 documents, each batch well under the 48 MB message.
const USERS_PER_CHUNK = 1_000;

export interface CopyCounts {
  orders: number;
  tasks: number;
}

/** Inserts `users` users with their orders and tasks; returns the user ids in insertion order. */
export async function seedOperatorData(db: Db, users: number): Promise<ObjectId[]> {
  const ids: ObjectId[] = [];
  for (let start = 0; start < users; start += USERS_PER_CHUNK) {
    const chunk = Array.from({ length: Math.min(USERS_PER_CHUNK, users - start) }, (_, i) =>
      aUser(start + i),
    );
    const orders = chunk.flatMap(user =>
      Array.from({ length: ORDERS_PER_USER }, () => ({
        _id: new ObjectId(),
        manager: user._id,
        assigned_user_ids: [user._id],
        metadata: { dashclicks_team: { manager: staleMeta(user) }, responsible: [staleMeta(user)] },
      })),
    );
    const tasks = orders.flatMap(order =>
      Array.from({ length: TASKS_PER_ORDER }, () => ({
        _id: new ObjectId(),
        order_id: order._id,
        order_metadata: { responsible: order.metadata.responsible },
      })),
    );
    await db.collection(COLLECTIONS.users).insertMany(chunk, { ordered: false });
    await db.collection(COLLECTIONS.orders).insertMany(orders, { ordered: false });
    await db.collection(COLLECTIONS.tasks).insertMany(tasks, { ordered: false });
    ids.push(...chunk.map(user => user._id));
  }
  return ids;
}

function aUser(i: number) {
  return {
    _id: new ObjectId(),
    account: new ObjectId(),
    is_owner: false,
    name: `User ${i}`,
    email: `user${i}@example.com`,
    phone: `+1555${String(i).padStart(7, '0')}`,
    image: `https://img.example.com/u${i}.png`,
  };
}

/** UserMeta (SPEC §1, same key order) with the one field a sync must fix. */
function staleMeta(user: ReturnType<typeof aUser>): Document {
  return { id: user._id, name: STALE_NAME, email: user.email, phone: user.phone, image: user.image };
}

/** Copies still stale anywhere: a full scan of both collections (seconds at 100,000 users), so count rarely. */
export async function countStale(db: Db): Promise<CopyCounts> {
  const [orders, tasks] = await Promise.all([
    db.collection(COLLECTIONS.orders).countDocuments({
      $or: [
        { 'metadata.dashclicks_team.manager.name': STALE_NAME },
        { 'metadata.responsible.0.name': STALE_NAME },
      ],
    }),
    db.collection(COLLECTIONS.tasks).countDocuments({ 'order_metadata.responsible.0.name': STALE_NAME }),
  ]);
  return { orders, tasks };
}

/**
 * Orders and tasks of `userIds` whose copies do not show a name matching `renamed` yet. Scoped through the
 * `manager` and `order_metadata.responsible.id` indexes, so only those users' documents are read.
 */
export async function countNotRenamed(db: Db, userIds: ObjectId[], renamed: RegExp): Promise<number> {
  const [orders, tasks] = await Promise.all([
    db.collection(COLLECTIONS.orders).countDocuments({
      manager: { $in: userIds },
      $or: [
        { 'metadata.dashclicks_team.manager.name': { $not: renamed } },
        { 'metadata.responsible.0.name': { $not: renamed } },
      ],
    }),
    db.collection(COLLECTIONS.tasks).countDocuments({
      'order_metadata.responsible.id': { $in: userIds },
      'order_metadata.responsible.0.name': { $not: renamed },
    }),
  ]);
  return orders + tasks;
}
