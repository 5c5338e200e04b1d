/**
 * Job ids for replayed dead-letter entries: `<originalJobId>-replay-<n>`. The original id stays readable
 * in the dashboard, and a job that fails again after a replay comes back as `-replay-2`, not
 * `-replay-1-replay-1`. BullMQ reserves ':' in custom ids (it separates key parts), so none may appear.
 */
const REPLAY_SUFFIX = /^(.*)-replay-(\d+)$/;

export interface ReplayLineage {
  /** The id of the job before any replay. */
  originalJobId: string;
  /** How many replays produced this id: 0 for an original job. */
  replays: number;
}

export function replayLineage(jobId: string): ReplayLineage {
  const match = REPLAY_SUFFIX.exec(jobId);
  return match === null
    ? { originalJobId: jobId, replays: 0 }
    : { originalJobId: match[1], replays: Number(match[2]) };
}

export function replayJobId(originalJobId: string, replay: number): string {
  return `${originalJobId.replaceAll(':', '-')}-replay-${replay}`;
}
