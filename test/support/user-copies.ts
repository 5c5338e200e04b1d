/**
 * Users whose data is copied everywhere SPEC §2 copies it (their account's owner, an order's manager,
 * specialist and responsible, that order's task), and a check that every copy shows their current values.
 * The fault tests change them and wait for the copies, as an operator would check the outcome. Copies are
 * made by changes to the users: rename them once before checking a first time.
 */
import type { Db, Document } from 'mongodb';
import { aTask, aUser, anOrder } from './sync-fixtures';
import { waitUntil } from './wait-until';

export interface CopiedUsers {
  users: Document[];
  /** Renames every user to `<prefix> <n>` and returns when the writes are acknowledged. */
  rename(prefix: string): Promise<void>;
  /** Resolves with the ms it took once every copy shows the current names; fails after `timeoutMs`. */
  converged(timeoutMs?: number): Promise<number>;
}

export async function seedCopiedUsers(db: Db, count: number): Promise<CopiedUsers> {
  const users = Array.from({ length: count }, () => aUser({ is_owner: true }));
  const orders = users.map(user =>
    anOrder({ manager: user._id, specialist: user._id, assigned_user_ids: [user._id] }),
  );
  const tasks = orders.map(order => aTask(order));
  await db.collection('_users').insertMany(users);
  await db.collection('_accounts').insertMany(users.map(user => ({ _id: user.account })));
  await db.collection('_store.orders').insertMany(orders);
  await db.collection('projects.tasks').insertMany(tasks);

  const stale = async (): Promise<string[]> => {
    const names = new Map(
      (
        await db
          .collection('_users')
          .find({ _id: { $in: users.map(user => user._id) } })
          .toArray()
      ).map(user => [String(user._id), user.name as string]),
    );
    const problems: string[] = [];
    for (const account of await db
      .collection('_accounts')
      .find({ _id: { $in: users.map(user => user.account) } })
      .toArray()) {
      const owner = account.owner as Document | undefined;
      if (owner === undefined || owner.name !== names.get(String(owner.id)))
        problems.push(`account ${String(account._id)} owner`);
    }
    const ordersNow = await db
      .collection('_store.orders')
      .find({ _id: { $in: orders.map(order => order._id) } })
      .toArray();
    for (const order of ordersNow) {
      const name = names.get(String(order.manager));
      const team = order.metadata?.dashclicks_team as Document | undefined;
      if (team?.manager?.name !== name) problems.push(`order ${String(order._id)} manager`);
      if (team?.specialist?.name !== name) problems.push(`order ${String(order._id)} specialist`);
      if (order.metadata?.responsible?.[0]?.name !== name)
        problems.push(`order ${String(order._id)} responsible`);
    }
    const byOrder = new Map(ordersNow.map(order => [String(order._id), order]));
    for (const task of await db
      .collection('projects.tasks')
      .find({ _id: { $in: tasks.map(task => task._id) } })
      .toArray()) {
      const name = names.get(String(byOrder.get(String(task.order_id))?.manager));
      if (task.order_metadata?.responsible?.[0]?.name !== name) problems.push(`task ${String(task._id)}`);
    }
    return problems;
  };

  return {
    users,
    rename: async prefix => {
      for (const [n, user] of users.entries())
        await db.collection('_users').updateOne({ _id: user._id }, { $set: { name: `${prefix} ${n}` } });
    },
    converged: async (timeoutMs = 60_000) => {
      const started = Date.now();
      let last: string[] = [];
      await waitUntil(
        'every copy to show the current names',
        async () => {
          last = await stale();
          return last.length === 0;
        },
        { timeoutMs, everyMs: 100 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}; still stale: ${last.slice(0, 10).join(', ')}`);
      });
      return Date.now() - started;
    },
  };
}
