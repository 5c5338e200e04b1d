/**
 * Steady rate: one rename every 1/rate s while `user-sync all` is otherwise idle, each a write to the users
 * collection, timed from just before its write until every copy of that user shows the new name.
 */
import type { Db, ObjectId } from 'mongodb';
import { COLLECTIONS } from './operator-seed';
import { COPIES_PER_CHANGE, percentiles, renamesOnSchedule } from './renames-on-schedule';

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

const PREFIX = 'Steady ';

export async function measureSteady(
  db: Db,
  userIds: readonly ObjectId[],
  options: SteadyOptions,
  progress: (message: string) => void,
): Promise<SteadyResult> {
  const rate = options.ratePerSec ?? 50;
  const settleMs = options.settleMs ?? 10_000;
  const changes = Math.round(options.seconds * rate);
  const users = db.collection(COLLECTIONS.users);
  progress(`steady: ${changes} renames at ${rate}/s`);
  const run = await renamesOnSchedule(db, {
    changes,
    ratePerSec: rate,
    users: userIds.length,
    named: new RegExp(`^${PREFIX}(\\d+)$`),
    settleMs,
    send: async k => {
      await users.updateOne({ _id: userIds[k % userIds.length] }, { $set: { name: `${PREFIX}${k}` } });
    },
  });
  progress(`steady: ${run.converged} of ${changes} converged`);
  return {
    changes,
    ratePerSec: rate,
    copiesPerChange: COPIES_PER_CHANGE,
    settleMs,
    converged: run.converged,
    ...percentiles(run.latencyMs),
    maxSendLagMs: run.maxSendLagMs,
  };
}
