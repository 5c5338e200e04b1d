/**
 * Burst: K users renamed as fast as one client can write, each rename one change event, while
 * `user-sync all` runs. Measured from the first write until every copy of those users shows the new name:
 * what an operator waits for after a bulk import or an admin's mass edit.
 */
import type { Db, ObjectId } from 'mongodb';
import { waitForConvergence, type ConvergeResult } from './operator-converge';
import { queuesIdle } from './operator-metrics';
import { COLLECTIONS, countNotRenamed, ORDERS_PER_USER, TASKS_PER_ORDER } from './operator-seed';
import { round } from './stats';

export interface BurstOptions {
  /** `user-sync all`, for its /metrics. */
  serviceUrl: string;
  /** Users renamed, each once: K change events. */
  changes: number;
  timeoutMs: number;
  /** How often /metrics is read. @defaultValue 250 */
  intervalMs?: number;
}

export interface BurstResult {
  changes: number;
  /** Orders and tasks whose copies had to follow. */
  documents: number;
  /** The client's bulk writes alone. */
  writeMs: number;
  writesPerSec: number;
  convergence: ConvergeResult;
  /** K / seconds to convergence; undefined when it did not converge in time. */
  changesPerSec: number | undefined;
}

// One bulkWrite round trip each: the batch size the driver would split a larger one into anyway.
const WRITES_PER_BULK = 1_000;
/** Every new name starts with it, and no seeded name does: one query tells old copies from new. */
const BURST_PREFIX = 'Burst ';

export async function measureBurst(
  db: Db,
  userIds: readonly ObjectId[],
  options: BurstOptions,
  progress: (message: string) => void,
): Promise<BurstResult> {
  const users = userIds.slice(0, options.changes);
  const documents = users.length * ORDERS_PER_USER * (1 + TASKS_PER_ORDER);
  const collection = db.collection(COLLECTIONS.users);
  const startedAt = performance.now();
  for (let start = 0; start < users.length; start += WRITES_PER_BULK) {
    await collection.bulkWrite(
      users.slice(start, start + WRITES_PER_BULK).map((_id, i) => ({
        updateOne: { filter: { _id }, update: { $set: { name: `${BURST_PREFIX}${start + i}` } } },
      })),
      { ordered: false },
    );
  }
  const writeMs = performance.now() - startedAt;
  progress(`burst: ${users.length} renames written in ${round(writeMs)} ms; waiting for the copies`);
  const renamed = new RegExp(`^${BURST_PREFIX}`);
  const convergence = await waitForConvergence({
    count: () => countNotRenamed(db, users, renamed),
    idle: queuesIdle(options.serviceUrl),
    startedAt,
    intervalMs: options.intervalMs ?? 250,
    timeoutMs: options.timeoutMs,
    progress: message => progress(`burst: ${message}`),
  });
  const seconds = convergence.convergedMs === undefined ? undefined : convergence.convergedMs / 1000;
  return {
    changes: users.length,
    documents,
    writeMs: round(writeMs),
    writesPerSec: round(users.length / (writeMs / 1000)),
    convergence,
    changesPerSec: seconds === undefined ? undefined : round(users.length / seconds),
  };
}
