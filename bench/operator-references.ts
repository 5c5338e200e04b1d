/**
 * The other side of the join (SPEC §2b), as the platform's own services cause it while `all` runs:
 * - reassignment: orders given another manager at a steady rate, each timed from just before its write
 *   until a change stream on orders shows the order's manager copy naming the new manager;
 * - bulk task insert: tasks inserted at once, one per order, bare; timed from the insert until a change
 *   stream on tasks has shown every one of them given its order's responsible list.
 * Change streams tell the moment of each copy, so no per-change query adds load to the server measured.
 */
import { ObjectId, type ChangeStreamDocument, type Db, type Document } from 'mongodb';
import { COLLECTIONS } from './operator-seed';
import { percentile, round } from './stats';

export interface ReassignmentResult {
  reassignments: number;
  ratePerSec: number;
  converged: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

export interface TaskInsertResult {
  tasks: number;
  insertMs: number;
  /** From the start of the insert until the last task showed its copy; undefined: not all in time. */
  convergedMs: number | undefined;
  copied: number;
  tasksPerSec: number | undefined;
}

type Event = ChangeStreamDocument<Document>;

export async function measureReassignment(
  db: Db,
  userIds: readonly ObjectId[],
  { count, ratePerSec = 20, settleMs = 10_000 }: { count: number; ratePerSec?: number; settleMs?: number },
  progress: (message: string) => void,
): Promise<ReassignmentResult> {
  const orders = db.collection(COLLECTIONS.orders);
  const targets = await orders
    .find({}, { projection: { _id: 1, manager: 1 } })
    .limit(count)
    .toArray();
  const expected = new Map<string, { manager: string; sentAt: number }>();
  const latency: number[] = [];
  const stream = orders.watch([{ $match: { operationType: 'update' } }]);
  try {
    await stream.tryNext();
    const reader = (async () => {
      while (latency.length < targets.length) {
        const event = (await stream.next()) as Event;
        if (event.operationType !== 'update') continue;
        const key = String(event.documentKey._id);
        const wanted = expected.get(key);
        if (wanted !== undefined && managerCopyId(event.updateDescription.updatedFields) === wanted.manager) {
          latency.push(performance.now() - wanted.sentAt);
          expected.delete(key);
        }
      }
    })().catch(() => undefined);
    progress(`references: ${targets.length} orders reassigned at ${ratePerSec}/s`);
    const start = performance.now();
    const writes: Promise<unknown>[] = [];
    const position = new Map(userIds.map((id, index) => [String(id), index]));
    targets.forEach((order, k) => {
      // The next user along: never the current manager, so every reassignment has a copy to write.
      const manager = userIds[((position.get(String(order.manager)) ?? 0) + 1) % userIds.length];
      const due = start + (k * 1000) / ratePerSec;
      writes.push(
        new Promise(resolve => setTimeout(resolve, Math.max(0, due - performance.now()))).then(() => {
          expected.set(String(order._id), { manager: String(manager), sentAt: performance.now() });
          return orders.updateOne({ _id: order._id }, { $set: { manager } });
        }),
      );
    });
    await Promise.all(writes);
    const deadline = performance.now() + settleMs;
    while (latency.length < targets.length && performance.now() < deadline)
      await new Promise(resolve => setTimeout(resolve, 20));
    await stream.close();
    await reader;
  } finally {
    await stream.close().catch(() => undefined);
  }
  const sample = [...latency, ...new Array<number>(targets.length - latency.length).fill(Infinity)];
  const at = (p: number) => {
    const value = percentile(sample, p);
    return Number.isFinite(value) ? round(value) : undefined;
  };
  return {
    reassignments: targets.length,
    ratePerSec,
    converged: latency.length,
    p50Ms: at(50),
    p99Ms: at(99),
    maxMs: at(100),
  };
}

/** `metadata.dashclicks_team.manager.id` as written, however the update reports it. */
function managerCopyId(fields: Document | undefined): string | undefined {
  if (fields === undefined) return undefined;
  const meta =
    fields['metadata.dashclicks_team.manager'] ??
    fields['metadata.dashclicks_team']?.manager ??
    fields.metadata?.dashclicks_team?.manager;
  return meta?.id === undefined ? undefined : String(meta.id);
}

export async function measureTaskInsert(
  db: Db,
  { tasks: count, timeoutMs }: { tasks: number; timeoutMs: number },
  progress: (message: string) => void,
): Promise<TaskInsertResult> {
  const orders = await db
    .collection(COLLECTIONS.orders)
    .find({}, { projection: { _id: 1 } })
    .limit(count)
    .toArray();
  const tasks = Array.from({ length: count }, (_, k) => ({
    _id: new ObjectId(),
    order_id: orders[k % orders.length]._id,
    title: `bulk ${k}`,
  }));
  // Known before the insert: a copy written before insertMany returns still counts.
  const pending = new Set(tasks.map(task => String(task._id)));
  const collection = db.collection(COLLECTIONS.tasks);
  let convergedAt: number | undefined;
  const stream = collection.watch([{ $match: { operationType: 'update' } }]);
  let start = 0;
  let insertMs = 0;
  try {
    await stream.tryNext();
    const reader = (async () => {
      for (;;) {
        const event = (await stream.next()) as Event;
        if (event.operationType !== 'update') continue;
        const fields = Object.keys(event.updateDescription.updatedFields ?? {});
        if (!fields.some(field => field.startsWith('order_metadata'))) continue;
        if (pending.delete(String(event.documentKey._id)) && pending.size === 0) {
          convergedAt = performance.now();
          return;
        }
      }
    })().catch(() => undefined);
    progress(`references: ${count} tasks inserted at once, one per order`);
    start = performance.now();
    await collection.insertMany(tasks, { ordered: false });
    insertMs = performance.now() - start;
    const deadline = start + timeoutMs;
    while (convergedAt === undefined && performance.now() < deadline)
      await new Promise(resolve => setTimeout(resolve, 20));
    await stream.close();
    await reader;
  } finally {
    await stream.close().catch(() => undefined);
  }
  const convergedMs = convergedAt === undefined ? undefined : round(convergedAt - start);
  return {
    tasks: count,
    insertMs: round(insertMs),
    convergedMs,
    copied: count - pending.size,
    tasksPerSec: convergedMs === undefined ? undefined : round((count / convergedMs) * 1000),
  };
}
