/**
 * Steady rate: one rename every 1/rate s while `user-sync all` is otherwise idle, each timed from just
 * before its write until every copy of that user shows the new name. Change streams on the copies tell the
 * moment each copy is written, so no per-change query adds load to the server being measured. Writes are
 * sent on an absolute schedule and not awaited one by one: a slow write must not lower the rate offered.
 */
import type { ChangeStream, ChangeStreamDocument, Db, Document, ObjectId } from 'mongodb';
import { COLLECTIONS, ORDERS_PER_USER, TASKS_PER_ORDER } from './operator-seed';
import { percentile, round } from './stats';

export interface SteadyOptions {
  seconds: number;
  /** Changes per second. @defaultValue 50 */
  ratePerSec?: number;
  /** How long after the last write a change may still converge. @defaultValue 10,000 */
  settleMs?: number;
}

export interface SteadyResult {
  changes: number;
  ratePerSec: number;
  /** Copy writes each change needs: ORDERS_PER_USER × (manager + responsible) + the tasks' responsible. */
  copiesPerChange: number;
  settleMs: number;
  /** Changes whose every copy showed the new name within `settleMs` of the last write. */
  converged: number;
  /** Over all changes, an unconverged one counting as infinitely late: undefined when it reaches one. */
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
  /** Latest a write was sent after its scheduled time: a large one means the bench itself fell behind. */
  maxSendLagMs: number;
}

type Stream = ChangeStream<Document, ChangeStreamDocument<Document>>;

const PREFIX = 'Steady ';
const NAMED = new RegExp(`^${PREFIX}(\\d+)$`);
export const COPY_PATHS: Record<string, readonly string[]> = {
  [COLLECTIONS.orders]: ['metadata.dashclicks_team.manager.name', 'metadata.responsible.0.name'],
  [COLLECTIONS.tasks]: ['order_metadata.responsible.0.name'],
};
export const COPIES_PER_CHANGE = ORDERS_PER_USER * (2 + TASKS_PER_ORDER);

export async function measureSteady(
  db: Db,
  userIds: readonly ObjectId[],
  options: SteadyOptions,
  progress: (message: string) => void,
): Promise<SteadyResult> {
  const rate = options.ratePerSec ?? 50;
  const settleMs = options.settleMs ?? 10_000;
  const changes = Math.round(options.seconds * rate);
  const sentAt: number[] = [];
  const latency: (number | undefined)[] = new Array<number | undefined>(changes).fill(undefined);
  const seen = new Map<number, Set<string>>();
  let converged = 0;

  const credit = (k: number, copy: string, at: number) => {
    // A later rename of the same user overwrites this one's copies: seeing it means this one got there too.
    for (let j = k; j >= 0; j -= userIds.length) {
      if (latency[j] !== undefined) continue;
      const copies = seen.get(j) ?? new Set<string>();
      seen.set(j, copies.add(copy));
      if (copies.size < COPIES_PER_CHANGE) continue;
      latency[j] = at - sentAt[j];
      seen.delete(j);
      converged += 1;
    }
  };

  const streams: Stream[] = [];
  const readers: Promise<void>[] = [];
  let closing = false;
  let failure: unknown;
  const writes: Promise<void>[] = [];
  try {
    for (const name of Object.keys(COPY_PATHS)) {
      const stream = db.collection(name).watch([]);
      streams.push(stream);
      // The first answer means the server's cursor is open: no copy written from here on can be missed.
      const first = await stream.tryNext();
      const onEvent = (event: ChangeStreamDocument<Document>) => {
        const at = performance.now();
        for (const [copy, k] of namesShown(name, event, NAMED)) if (k < sentAt.length) credit(k, copy, at);
      };
      if (first !== null) onEvent(first);
      readers.push(
        (async () => {
          for (;;) onEvent(await stream.next());
        })().catch((error: unknown) => {
          if (!closing) failure ??= error;
        }),
      );
    }

    const users = db.collection(COLLECTIONS.users);
    const intervalMs = 1000 / rate;
    const start = performance.now();
    let maxSendLagMs = 0;
    progress(`steady: ${changes} renames at ${rate}/s`);
    for (let k = 0; k < changes && failure === undefined; k += 1) {
      const due = start + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
      sentAt.push(performance.now());
      maxSendLagMs = Math.max(maxSendLagMs, sentAt[k] - due);
      writes.push(
        users.updateOne({ _id: userIds[k % userIds.length] }, { $set: { name: `${PREFIX}${k}` } }).then(
          () => undefined,
          (error: unknown) => {
            failure ??= error;
          },
        ),
      );
    }
    await Promise.all(writes);
    const deadline = performance.now() + settleMs;
    while (converged < changes && failure === undefined && performance.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    if (failure !== undefined) throw failure;
    progress(`steady: ${converged} of ${changes} converged`);

    // Unconverged changes sort last, so a percentile that reaches one has no finite value.
    const sample = latency.map(ms => ms ?? Infinity);
    const at = (p: number) => {
      const value = percentile(sample, p);
      return Number.isFinite(value) ? round(value) : undefined;
    };
    return {
      changes,
      ratePerSec: rate,
      copiesPerChange: COPIES_PER_CHANGE,
      settleMs,
      converged,
      p50Ms: at(50),
      p95Ms: at(95),
      p99Ms: at(99),
      maxMs: at(100),
      maxSendLagMs: round(maxSendLagMs),
    };
  } finally {
    closing = true;
    await Promise.allSettled(writes);
    await Promise.allSettled(streams.map(stream => stream.close()));
    await Promise.allSettled(readers);
  }
}

/**
 * Each copy of COPY_PATHS that this event sets to a name `named` matches, as [document and path, change k]
 * (`named`'s first group is k).
 */
export function namesShown(
  collection: string,
  event: ChangeStreamDocument<Document>,
  named: RegExp,
): [string, number][] {
  if (event.operationType !== 'update') return [];
  const paths = COPY_PATHS[collection];
  const id = String(event.documentKey._id);
  const shown: [string, number][] = [];
  for (const [field, value] of Object.entries(event.updateDescription.updatedFields ?? {})) {
    // The same write may be reported as the whole array, one element or the name itself.
    for (const [path, name] of stringLeaves(field, value)) {
      const match = named.exec(name);
      if (match !== null && paths.includes(path))
        shown.push([`${collection}:${id}:${path}`, Number(match[1])]);
    }
  }
  return shown;
}

function* stringLeaves(path: string, value: unknown): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* stringLeaves(`${path}.${i}`, item);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* stringLeaves(`${path}.${key}`, item);
  }
}

// Not into ObjectIds, dates or binaries: their insides hold no copy's name.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
