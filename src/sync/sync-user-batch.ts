/**
 * The frame of every job about users (SPEC §2: a job may carry many ids): one read of all the batch's
 * users per settle round, one write step for all of them, and per-user isolation. A malformed id or an
 * invalid user is sent to dead-letter on its own, as the one-user job it would have been, and is never
 * written for; the others complete. The return value counts what happened to the users and names those
 * that went to dead-letter (subject-outcomes.ts: a value per user would be kept twice per job in Redis).
 */
import { UnrecoverableError } from 'bullmq';
import { userIdsOf, type JobCause } from './job-data';
import { readRawUsers, sortUsers, type UserBatch } from './read-users';
import { writeBatchUntilSettled } from './settle';
import type { SyncJobContext } from './sync-job-context';
import { DEAD_LETTERED, summarizeOutcomes, type SubjectOutcomes } from './subject-outcomes';

/** The batch's totals (what /metrics reads), its number of users, and their outcomes counted. */
export type UserBatchResult<Totals> = Totals & { users: number } & SubjectOutcomes;

/** A job's return value from its totals and each user's outcome (`synced`, `not-owner`, ...). */
export function userBatchResult<Totals>(
  totals: Totals,
  outcomes: ReadonlyMap<string, string>,
): UserBatchResult<Totals> {
  return { ...totals, users: outcomes.size, ...summarizeOutcomes(outcomes) };
}

export interface UserBatchOptions<Totals> {
  /** Adds up the settle rounds' totals. @defaultValue the sum of each number */
  sum?: (left: Totals, right: Totals) => Totals;
  /**
   * How many documents a round's write modified, as the server counted them. Only for a write whose
   * every statement modifies a document only when its copy differs from what this run read (a `$ne`
   * guard, or a `$set` the server finds to be a no-op). The re-read exists to undo this run's own stale
   * write. A round that modified nothing wrote nothing: every copy it reached already equalled what it
   * read, and whatever a newer run wrote stays (that run re-reads after its own write). So it re-reads no
   * user; its users' outcomes stand as first read (a user fixed meanwhile is a change with jobs of its
   * own). Without it, every round re-reads all of its users.
   */
  modified?: (totals: Totals) => number;
}

export async function syncUserBatch<Totals extends Record<string, number>>(
  payload: { userId: string; cause?: JobCause } | { userIds: string[]; cause?: JobCause },
  ctx: SyncJobContext,
  write: (batch: UserBatch) => Promise<Totals>,
  { sum = addTotals, modified }: UserBatchOptions<Totals> = {},
): Promise<{ outcomes: Map<string, string>; totals: Totals; settled: UserBatch }> {
  const { ids, malformed } = userIdsOf(payload);
  const outcomes = new Map<string, string>();
  const rejected = new Map<string, Error>();
  for (const id of malformed) {
    rejected.set(
      id,
      new UnrecoverableError(
        `invalid job data: userIds contains ${JSON.stringify(id)}, not a 24-character hex ObjectId`,
      ),
    );
  }
  const { results, sources } = await writeBatchUntilSettled(
    ids,
    keys => readRawUsers(ctx.collections, keys),
    async (raws, keys) => {
      const batch = sortUsers(keys, raws);
      const totals = await write(batch);
      // Later rounds rewrite only the users that moved; each user's last round decides its outcome.
      for (const key of keys) {
        rejected.delete(key);
        const outcome = batch.outcomes.get(key);
        if (outcome !== undefined) outcomes.set(key, outcome);
      }
      for (const [key, error] of batch.invalid) rejected.set(key, error);
      return totals;
    },
    {
      // The server counts modifications per command, not per statement: one modified document makes the
      // whole round re-read, as before.
      writtenKeys:
        modified === undefined ? undefined : (totals, keys) => (modified(totals) === 0 ? [] : keys),
    },
  );
  for (const [id, error] of rejected) {
    await ctx.rejectSubject(id, { userId: id, cause: payload.cause }, error);
    outcomes.set(id, DEAD_LETTERED);
  }
  return { outcomes, totals: results.reduce(sum), settled: sortUsers(ids, sources) };
}

function addTotals<Totals extends Record<string, number>>(left: Totals, right: Totals): Totals {
  const sum: Record<string, number> = { ...left };
  for (const [key, value] of Object.entries(right)) sum[key] = (sum[key] ?? 0) + value;
  return sum as Totals;
}
