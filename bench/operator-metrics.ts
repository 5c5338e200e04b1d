/**
 * What the service itself reports on /metrics (open, no credentials): queue depths, to let the backfill's
 * leftover jobs drain before the burst is timed, and failure counters, so a fast figure that came from
 * failing jobs does not go unnoticed.
 */
export interface ServiceCounters {
  /** Jobs waiting, active, delayed or prioritized in the sync queues; undefined when not exposed. */
  pending: number | undefined;
  completed: number;
  failed: number;
  retried: number;
  deadLetter: number | undefined;
}

const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** Reads of /metrics so far: each costs the service Redis calls, which the cost figures take off. */
export const metricsReads = { count: 0 };

export async function readServiceCounters(serviceUrl: string): Promise<ServiceCounters> {
  return parseServiceCounters(await readMetrics(serviceUrl));
}

async function readMetrics(serviceUrl: string): Promise<string> {
  metricsReads.count += 1;
  const response = await fetch(`${serviceUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/** Jobs completed so far, by sync queue. */
export async function readCompletedByQueue(serviceUrl: string): Promise<Record<string, number>> {
  const completed: Record<string, number> = {};
  for (const match of (await readMetrics(serviceUrl)).matchAll(
    /^user_sync_jobs_completed_total\{[^}]*\bqueue="([^"]+)"[^}]*\}\s+(\S+)/gm,
  ))
    completed[match[1]] = Number(match[2]);
  return completed;
}

function parseServiceCounters(body: string): ServiceCounters {
  const counters: ServiceCounters = {
    pending: undefined,
    completed: 0,
    failed: 0,
    retried: 0,
    deadLetter: undefined,
  };
  for (const line of body.split('\n')) {
    const match = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (match === null) continue;
    const [, name, labelText = '', text] = match;
    const value = Number(text);
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]));
    if (
      name === 'user_sync_queue_jobs' &&
      labels.queue !== 'dead-letter' &&
      PENDING_STATES.has(labels.state)
    ) {
      counters.pending = (counters.pending ?? 0) + value;
    } else if (name === 'user_sync_jobs_completed_total') counters.completed += value;
    else if (name === 'user_sync_jobs_failed_total') counters.failed += value;
    else if (name === 'user_sync_jobs_retried_total') counters.retried += value;
    else if (name === 'user_sync_dead_letter_jobs') counters.deadLetter = value;
  }
  return counters;
}

/**
 * Waits until no sync job is pending (jobs with nothing left to write still take worker time); gives up
 * at `timeoutMs`, or at once when the service does not expose queue depths. Returns the wait in ms.
 */
export async function waitForIdleQueues(serviceUrl: string, timeoutMs: number): Promise<number | undefined> {
  const started = performance.now();
  for (;;) {
    const { pending } = await readServiceCounters(serviceUrl);
    if (pending === 0) return performance.now() - started;
    if (pending === undefined || performance.now() - started > timeoutMs) return undefined;
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** For `waitForConvergence`: whether the service has no sync job pending, as far as /metrics tells. */
export function queuesIdle(serviceUrl: string): () => Promise<boolean | undefined> {
  return async () => {
    const { pending } = await readServiceCounters(serviceUrl);
    return pending === undefined ? undefined : pending === 0;
  };
}
