/**
 * `resync`: enqueues every user-driven sync job for the selected users, as if each had just changed.
 * Backfills, repairs and the listener's recovery after lost change-stream history all use it. Because jobs
 * are level-triggered, resyncing a user that is already in sync writes nothing.
 */
import { ObjectId, type Document } from 'mongodb';
import { QueueNames } from '../queues/queue-names';
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

export type ResyncSelection = { all: true } | { userIds?: string[]; accountIds?: string[] };

export interface ResyncProgress {
  total: number;
  done: number;
}

const USERS_PER_BATCH = 1000;

export async function enqueueResync(
  selection: ResyncSelection,
  deps: { collections: SyncCollections; queues: QueueProvider; source: string },
  onProgress: (progress: ResyncProgress) => void = () => {},
): Promise<{ users: number; jobs: number }> {
  const filter = selectionFilter(selection);
  const total = await deps.collections.users.countDocuments(filter);
  const cause = { operationType: 'resync', source: deps.source };
  let users = 0;
  let batch: string[] = [];
  let jobs = 0;
  const flush = async () => {
    // Jobs of many users (SPEC §2): each worker run reads them at once and writes in bulk.
    const datas: Record<string, unknown>[] = [];
    for (let start = 0; start < batch.length; start += USERS_PER_JOB)
      datas.push({ userIds: batch.slice(start, start + USERS_PER_JOB), cause });
    await Promise.all(RESYNC_QUEUES.map(queue => addInBulk(deps.queues.get(queue), queue, datas)));
    jobs += datas.length * RESYNC_QUEUES.length;
    users += batch.length;
    batch = [];
    onProgress({ total, done: users });
  };
  // Bounded replies: the whole collection in one getMore would be held, parsed, at once.
  const cursor = deps.collections.users
    .find(filter, { projection: { _id: 1 }, batchSize: USERS_PER_BATCH })
    .sort({ _id: 1 });
  for await (const user of cursor) {
    batch.push(String(user._id));
    if (batch.length >= USERS_PER_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  onProgress({ total, done: users });
  return { users, jobs };
}

function selectionFilter(selection: ResyncSelection): Document {
  if ('all' in selection) return {};
  const clauses: Document[] = [];
  if (selection.userIds?.length) clauses.push({ _id: { $in: selection.userIds.map(toId) } });
  if (selection.accountIds?.length) clauses.push({ account: { $in: selection.accountIds.map(toId) } });
  if (clauses.length === 0) throw new Error('resync needs --all, --user or --account');
  return clauses.length === 1 ? clauses[0] : { $or: clauses };
}

/** Ids were validated by the CLI, which names the flag; this throws only on programming errors. */
function toId(hex: string): ObjectId {
  return ObjectId.createFromHexString(hex);
}
