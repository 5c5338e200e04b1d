/**
 * Renames sent on an absolute schedule, each timed until every copy of its user shows the new name.
 * Change streams on the copies tell the moment each copy is written, so no per-change query adds load to
 * the server being measured; sends are not awaited one by one, so a slow one does not lower the rate
 * offered. What a rename is (a write to the users collection, a signed webhook) is the caller's `send`.
 */
import type { ChangeStream, ChangeStreamDocument, Db, Document } from 'mongodb';
import { COLLECTIONS, ORDERS_PER_USER, TASKS_PER_ORDER } from './operator-seed';
import { percentile, round } from './stats';

const COPY_PATHS: Record<string, readonly string[]> = {
  [COLLECTIONS.orders]: ['metadata.dashclicks_team.manager.name', 'metadata.responsible.0.name'],
  [COLLECTIONS.tasks]: ['order_metadata.responsible.0.name'],
};
/** Copy writes each rename needs: ORDERS_PER_USER × (manager + responsible) + the tasks' responsible. */
export const COPIES_PER_CHANGE = ORDERS_PER_USER * (2 + TASKS_PER_ORDER);

export interface ScheduleOptions {
  changes: number;
  ratePerSec: number;
  /** How many users the renames cycle through: change k renames user k % users. */
  users: number;
  /** Matches the name change k gives, with k as its first group. */
  named: RegExp;
  /** How long after the last send a change may still converge. */
  settleMs: number;
  /** Sends change k; rejects on a failure that ends the run. */
  send(k: number): Promise<void>;
}

export interface ScheduleResult {
  converged: number;
  /** Per change, from just before its send until its last copy; undefined when it never converged. */
  latencyMs: (number | undefined)[];
  /** Latest a send left after its scheduled time: a large one means the bench itself fell behind. */
  maxSendLagMs: number;
}

export interface Percentiles {
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

export async function renamesOnSchedule(db: Db, options: ScheduleOptions): Promise<ScheduleResult> {
  const sentAt: number[] = [];
  const latencyMs: (number | undefined)[] = new Array<number | undefined>(options.changes).fill(undefined);
  const seen = new Map<number, Set<string>>();
  let converged = 0;
  const credit = (k: number, copy: string, at: number) => {
    // A later rename of the same user overwrites this one's copies: seeing it means this one got there too.
    for (let j = k; j >= 0; j -= options.users) {
      if (latencyMs[j] !== undefined) continue;
      const copies = seen.get(j) ?? new Set<string>();
      seen.set(j, copies.add(copy));
      if (copies.size < COPIES_PER_CHANGE) continue;
      latencyMs[j] = at - sentAt[j];
      seen.delete(j);
      converged += 1;
    }
  };

  const streams: ChangeStream<Document, ChangeStreamDocument<Document>>[] = [];
  const readers: Promise<void>[] = [];
  const sends: Promise<void>[] = [];
  let closing = false;
  let failure: unknown;
  try {
    for (const name of Object.keys(COPY_PATHS)) {
      const stream = db.collection(name).watch([]);
      streams.push(stream);
      // The first answer means the server's cursor is open: no copy written from here on can be missed.
      const first = await stream.tryNext();
      const onEvent = (event: ChangeStreamDocument<Document>) => {
        const at = performance.now();
        for (const [copy, k] of namesShown(name, event, options.named))
          if (k < sentAt.length) credit(k, copy, at);
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
    const intervalMs = 1000 / options.ratePerSec;
    const start = performance.now();
    let maxSendLagMs = 0;
    for (let k = 0; k < options.changes && failure === undefined; k += 1) {
      const due = start + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
      sentAt.push(performance.now());
      maxSendLagMs = Math.max(maxSendLagMs, sentAt[k] - due);
      sends.push(
        options.send(k).catch((error: unknown) => {
          failure ??= error;
        }),
      );
    }
    await Promise.all(sends);
    const deadline = performance.now() + options.settleMs;
    while (converged < options.changes && failure === undefined && performance.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    if (failure !== undefined) throw failure;
    return { converged, latencyMs, maxSendLagMs: round(maxSendLagMs) };
  } finally {
    closing = true;
    await Promise.allSettled(sends);
    await Promise.allSettled(streams.map(stream => stream.close()));
    await Promise.allSettled(readers);
  }
}

/** Entries never measured count as infinitely late: a percentile that reaches one has no value. */
export function percentiles(values: readonly (number | undefined)[]): Percentiles {
  const sample = values.map(ms => ms ?? Infinity);
  const at = (p: number) => {
    const value = percentile(sample, p);
    return Number.isFinite(value) ? round(value) : undefined;
  };
  return { p50Ms: at(50), p95Ms: at(95), p99Ms: at(99), maxMs: at(100) };
}

/** Each copy of COPY_PATHS that this event sets to a name `named` matches, as [document and path, change k]. */
function namesShown(
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
