/**
 * What a job of many subjects (users, orders) returns about them. BullMQ keeps a completed job's return
 * value twice, in the job's hash and in the queue's event stream, until retention drops it; a map of every
 * subject's outcome made a 500-user job's value about 20 KB, each time. So it holds counts per outcome, and
 * names only the subjects that did not sync: those are the ones someone comes looking for, and each has its
 * own dead-letter entry (`<queue>__<jobId>-<subject>`) with the reason. A subject's other outcome is a fact
 * of the database, which `verify` reads.
 */

/** The outcome of a subject sent to dead-letter on its own; the job goes on with the others. */
export const DEAD_LETTERED = 'dead-lettered';

export interface SubjectOutcomes {
  /** Subjects per outcome: `synced`, `user-not-found`, `not-owner`, `already-synced`, `dead-lettered`... */
  outcomes: Record<string, number>;
  /** The subjects that went to dead-letter, in the order they did. */
  failed: string[];
}

/** Bounded whatever the batch size: one counter per distinct outcome, and the failed subjects only. */
export function summarizeOutcomes(bySubject: ReadonlyMap<string, string>): SubjectOutcomes {
  const outcomes: Record<string, number> = {};
  const failed: string[] = [];
  for (const [subject, outcome] of bySubject) {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (outcome === DEAD_LETTERED) failed.push(subject);
  }
  return { outcomes, failed };
}
