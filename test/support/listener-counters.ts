/** What a running process's /metrics says about its listener and queues, for "nothing more happens" checks. */
import { fetchMetricSamples } from './all-process';
import { waitUntil } from './wait-until';

export interface ListenerCounters {
  eventsSeen: number;
  /** Jobs the listener enqueued, per queue. */
  jobsEnqueued: Record<string, number>;
  jobsCompleted: number;
}

export async function listenerCounters(url: string): Promise<ListenerCounters> {
  const samples = await fetchMetricSamples(url);
  const jobsEnqueued: Record<string, number> = {};
  let eventsSeen = 0;
  let jobsCompleted = 0;
  for (const sample of samples) {
    if (sample.name === 'user_sync_listener_events_seen_total') eventsSeen += sample.value;
    if (sample.name === 'user_sync_jobs_enqueued_total') jobsEnqueued[sample.labels.queue] = sample.value;
    if (sample.name === 'user_sync_jobs_completed_total') jobsCompleted += sample.value;
  }
  return { eventsSeen, jobsEnqueued, jobsCompleted };
}

/** Until no sync queue holds a job waiting, delayed or running, and the completed count stops moving. */
export async function waitForQuietQueues(url: string, timeoutMs = 60_000): Promise<void> {
  let previous = -1;
  await waitUntil(
    'the queues to drain',
    async () => {
      const samples = await fetchMetricSamples(url);
      const busy = samples
        .filter(sample => sample.name === 'user_sync_queue_jobs' && sample.labels.state !== 'completed')
        .filter(sample => sample.labels.state !== 'failed')
        .reduce((sum, sample) => sum + sample.value, 0);
      const { jobsCompleted } = await listenerCounters(url);
      const settled = busy === 0 && jobsCompleted === previous;
      previous = jobsCompleted;
      return settled;
    },
    { timeoutMs, everyMs: 300 },
  );
}
