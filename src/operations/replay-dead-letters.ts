/**
 * `replay`: sends dead-letter entries back to the queue they came from, as new jobs with fresh attempts,
 * and removes them from dead-letter, together with the failed job each entry was copied from. Jobs are
 * level-triggered, so a replayed job reads the documents as they are now: once the bad data is fixed, its
 * replay succeeds.
 *
 * The failed original goes because its failure is now the replay's business: left behind, it keeps a red
 * "failed" badge on a queue whose work is done, and `retry` would run it a second time.
 *
 * Safe to repeat and to interrupt: a replayed entry is gone from dead-letter, so a second run finds
 * nothing; and an entry's replay id is derived from the entry, so a run that died between adding the job
 * and removing the entry finds that job already there and only finishes the removal.
 */
import type { Job, Queue } from 'bullmq';
import type { DeadLetterEntry } from '../dead-letter/dead-letter-entry';
import { QueueNames, type QueueName, type WorkerQueueName } from '../queues/queue-names';
import { findDeadLetters, listDeadLetters, type DeadLetterJob } from './dead-letter-entries';
import { replayJobId, replayLineage } from './replay-job-id';

export interface ReplaySelection {
  /** Only entries that came from this queue. */
  queue?: WorkerQueueName;
  /** Only this entry: its dead-letter job id or the original job's id. */
  id?: string;
  /** Every entry (narrowed by `queue` when given). */
  all?: boolean;
}

export interface ReplayedEntry {
  deadLetterId: string;
  queue: WorkerQueueName;
  originalJobId: string;
  newJobId: string;
  /**
   * Set when `newJobId` was there already, so no job was added for this entry: another entry of the same
   * lineage got that id earlier in this run, or an interrupted run added it. `state` is that job's, then.
   */
  joined?: { state: string };
}

export interface SkippedEntry {
  deadLetterId: string;
  reason: string;
}

export interface ReplayReport {
  replayed: ReplayedEntry[];
  skipped: SkippedEntry[];
}

export interface ReplayDeps {
  queues: { get(name: QueueName): Queue };
}

export class ReplaySelectionError extends Error {
  override readonly name = 'ReplaySelectionError';
}

export async function replayDeadLetters(selection: ReplaySelection, deps: ReplayDeps): Promise<ReplayReport> {
  if (selection.id === undefined && selection.queue === undefined && selection.all !== true) {
    // Replaying everything by accident re-runs every failure at once: it must be asked for.
    throw new ReplaySelectionError('choose what to replay: --all, --queue <queue> or --id <id>');
  }
  const deadLetter = deps.queues.get(QueueNames.deadLetter);
  const entries =
    selection.id === undefined
      ? await listDeadLetters(deadLetter, selection.queue)
      : await findDeadLetters(deadLetter, selection.id, selection.queue);

  const report: ReplayReport = { replayed: [], skipped: [] };
  for (const entry of entries) {
    const outcome = await replayOne(entry, deps);
    if ('reason' in outcome) report.skipped.push(outcome);
    else report.replayed.push(outcome);
  }
  return report;
}

async function replayOne(
  { job, entry, queue }: DeadLetterJob,
  deps: ReplayDeps,
): Promise<ReplayedEntry | SkippedEntry> {
  const deadLetterId = String(job.id);
  if (queue === undefined || typeof entry?.jobId !== 'string' || typeof entry.name !== 'string') {
    return {
      deadLetterId,
      reason: `not a dead-letter entry of a sync queue (queue: ${String(entry?.queue)})`,
    };
  }
  const target = deps.queues.get(queue);
  const newJobId = await claimReplayId(target, entry);
  const existing = (await target.getJob(newJobId)) as Job | undefined;
  if (existing === undefined) {
    // Default job options of the target queue: the replay gets every attempt and backoff afresh.
    await target.add(entry.name, entry.data, { jobId: newJobId });
  }
  await removeFailedOriginal(target, entry.jobId);
  await job.remove();
  const replayed = { deadLetterId, queue, originalJobId: replayLineage(entry.jobId).originalJobId, newJobId };
  return existing === undefined ? replayed : { ...replayed, joined: { state: await existing.getState() } };
}

/**
 * Only while it is failed: a job retried in place since (the dashboard's button) is running again, and a
 * batch subject's entry names no job of its own. After the replay job is added and before the entry goes,
 * so an interrupted run leaves the entry to finish the work next time.
 */
async function removeFailedOriginal(target: Queue, jobId: string): Promise<void> {
  const original = (await target.getJob(jobId)) as Job | undefined;
  if (original !== undefined && (await original.getState()) === 'failed') await original.remove();
}

/**
 * The next `-replay-<n>` id of the entry's lineage. An existing job with that id created after the entry
 * failed is this entry's own earlier, interrupted replay: reuse it. One created before is an older
 * lineage's job (a job retried in place and failed again after an earlier replay): skip past it.
 */
async function claimReplayId(target: Queue, entry: DeadLetterEntry): Promise<string> {
  const lineage = replayLineage(entry.jobId);
  const failedAt = Date.parse(entry.failedAt);
  for (let replay = lineage.replays + 1; ; replay += 1) {
    const id = replayJobId(lineage.originalJobId, replay);
    const existing = (await target.getJob(id)) as Job | undefined;
    if (existing === undefined) return id;
    if (Number.isNaN(failedAt) || existing.timestamp >= failedAt) return id;
  }
}
