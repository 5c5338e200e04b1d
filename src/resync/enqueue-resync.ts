/**
 * `resync`: enqueues the sync jobs for the selected documents, as if each had just changed. Backfills,
 * repairs and the listener's recovery after lost change-stream history all use it. Because jobs are
 * level-triggered, resyncing what is already in sync writes nothing.
 *
 * Users get the user jobs (SPEC §2). With `syncReferences`, orders get the order-scoped jobs of §2b (their
 * team copies, and their responsible list rebuilt from `assigned_user_ids`, which cascades to their tasks):
 * only those repair a copy whose user was unassigned, or a task moved to another order. Accounts get
 * owner-sync for their owner (the account's `owner` and its business contacts).
 *
 * `--all` with `syncReferences` sends users to owner-sync only: every order's own jobs write every copy the
 * user team jobs would, and more, so running both would do the order side's work twice.
 */
import { ObjectId, type Collection, type Document } from 'mongodb';
import { QueueNames, type SyncQueueName } from '../queues/queue-names';
import type { SyncCollections } from '../sync/sync-job-context';
import type { QueueProvider } from '../worker/run-sync-job';
import { USERS_PER_JOB } from '../sync/job-data';
import { addInBulk } from './add-in-bulk';

export const RESYNC_QUEUES = [
  QueueNames.ownerSync,
  QueueNames.managerSync,
  QueueNames.specialistSync,
  QueueNames.responsibleRebuild,
] as const;

/** An order's copies: its team, and its responsible list (the rebuild cascades to its tasks). */
const ORDER_QUEUES = [
  QueueNames.managerSync,
  QueueNames.specialistSync,
  QueueNames.responsibleRebuild,
] as const;

export type ResyncSelection =
  { all: true } | { userIds?: string[]; accountIds?: string[]; orderIds?: string[] };

export interface ResyncProgress {
  total: number;
  done: number;
}

export interface ResyncResult {
  users: number;
  orders: number;
  accounts: number;
  jobs: number;
}

export interface ResyncDependencies {
  collections: SyncCollections;
  queues: QueueProvider;
  source: string;
  /** SPEC §2b: also resync orders and accounts. @defaultValue true */
  syncReferences?: boolean;
}

/** One reply of the id cursor: bounded, since the whole collection in one getMore would be held at once. */
const IDS_PER_READ = 1000;

export async function enqueueResync(
  selection: ResyncSelection,
  deps: ResyncDependencies,
  onProgress: (progress: ResyncProgress) => void = () => {},
): Promise<ResyncResult> {
  const references = deps.syncReferences ?? true;
  const plan = planOf(selection, references);
  const cause = { operationType: 'resync', source: deps.source };
  const { collections } = deps;
  const totals = await Promise.all([
    plan.users === undefined ? 0 : collections.users.countDocuments(plan.users.filter),
    plan.orders === undefined ? 0 : collections.orders.countDocuments(plan.orders),
    plan.accounts === undefined ? 0 : collections.accounts.countDocuments(plan.accounts),
  ]);
  const total = totals[0] + totals[1] + totals[2];
  let done = 0;
  const result: ResyncResult = { users: 0, orders: 0, accounts: 0, jobs: 0 };
  const pass = async (
    collection: Collection<Document>,
    filter: Document | undefined,
    key: string,
    queues: readonly SyncQueueName[],
  ) => {
    if (filter === undefined) return 0;
    return streamIds(collection, filter, async ids => {
      // Jobs of many subjects (SPEC §2): each worker run reads them at once and writes in bulk.
      const datas: Record<string, unknown>[] = [];
      for (let start = 0; start < ids.length; start += USERS_PER_JOB)
        datas.push({ [key]: ids.slice(start, start + USERS_PER_JOB), cause });
      await Promise.all(queues.map(queue => addInBulk(deps.queues.get(queue), queue, datas)));
      result.jobs += datas.length * queues.length;
      done += ids.length;
      onProgress({ total, done });
    });
  };
  result.users = await pass(collections.users, plan.users?.filter, 'userIds', plan.users?.queues ?? []);
  result.orders = await pass(collections.orders, plan.orders, 'orderIds', ORDER_QUEUES);
  result.accounts = await pass(collections.accounts, plan.accounts, 'accountIds', [QueueNames.ownerSync]);
  onProgress({ total, done });
  return result;
}

async function streamIds(
  collection: Collection<Document>,
  filter: Document,
  flush: (ids: string[]) => Promise<void>,
): Promise<number> {
  let count = 0;
  let batch: string[] = [];
  const cursor = collection
    .find(filter, { projection: { _id: 1 }, batchSize: IDS_PER_READ })
    .sort({ _id: 1 });
  for await (const document of cursor) {
    batch.push(String(document._id));
    if (batch.length >= IDS_PER_READ) {
      await flush(batch);
      count += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await flush(batch);
  return count + batch.length;
}

interface ResyncPlan {
  users?: { filter: Document; queues: readonly SyncQueueName[] };
  orders?: Document;
  accounts?: Document;
}

/** Which documents of each collection the selection covers; undefined: none. */
function planOf(selection: ResyncSelection, references: boolean): ResyncPlan {
  if ('all' in selection) {
    // Accounts need no pass of their own: owner-sync of every owner writes every account that has one.
    return references
      ? { users: { filter: {}, queues: [QueueNames.ownerSync] }, orders: {} }
      : { users: { filter: {}, queues: RESYNC_QUEUES } };
  }
  const { userIds = [], accountIds = [], orderIds = [] } = selection;
  if (userIds.length + accountIds.length + orderIds.length === 0)
    throw new Error('resync needs --all, --user, --account or --order');
  const userFilter = anyOf([
    ...(userIds.length > 0 ? [{ _id: { $in: userIds.map(toId) } }] : []),
    ...(accountIds.length > 0 ? [{ account: { $in: accountIds.map(toId) } }] : []),
  ]);
  const users = userFilter === undefined ? undefined : { filter: userFilter, queues: RESYNC_QUEUES };
  if (!references) return { users };
  return {
    users,
    // An account covers its orders and contacts (through its owner) as well as its users.
    orders: anyOf([
      ...(orderIds.length > 0 ? [{ _id: { $in: orderIds.map(toId) } }] : []),
      ...(accountIds.length > 0 ? [{ account: { $in: accountIds.map(toId) } }] : []),
    ]),
    accounts: accountIds.length > 0 ? { _id: { $in: accountIds.map(toId) } } : undefined,
  };
}

function anyOf(clauses: Document[]): Document | undefined {
  if (clauses.length === 0) return undefined;
  return clauses.length === 1 ? clauses[0] : { $or: clauses };
}

/** Ids were validated by the CLI, which names the flag; this throws only on programming errors. */
function toId(hex: string): ObjectId {
  return ObjectId.createFromHexString(hex);
}
