/**
 * `user-sync all` as a process with its own connections, and what an operator sees of it: the log,
 * /readyz and /metrics. For the fault tests, which break its servers underneath it.
 */
import { spawnCli, type CliProcess } from './cli-process';
import { parsePrometheusText, sampleValue, type Sample } from './prometheus-text';
import { waitUntil } from './wait-until';

/** The appName the `all` role's MongoDB connections send, which fail points aim at. */
export const ALL_APP_NAME = 'user-sync-all';

export interface AllProcess {
  process: CliProcess;
  /** `http://host:port` of /readyz, /metrics and the dashboard. */
  url: string;
  readyz(): Promise<{ status: number; body: { failed?: string[]; checks: Record<string, string> } }>;
  /** A sample of /metrics (the process's `role="all"` label implied); undefined when absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  /** The sum of every sample of `name` (all queues, say); 0 when absent. */
  metricSum(name: string): Promise<number>;
  /** How many log lines match. */
  logLines(pattern: RegExp): number;
  waitUntilReady(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Every sample a process's /metrics answers now. */
export async function fetchMetricSamples(url: string): Promise<Sample[]> {
  return parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
}

/** Jobs of the sync queues (dead-letter left out) in these states, as the process's /metrics reports them. */
export async function syncQueueJobs(url: string, states: readonly string[]): Promise<number> {
  return (await fetchMetricSamples(url))
    .filter(
      sample =>
        sample.name === 'user_sync_queue_jobs' &&
        states.includes(sample.labels.state) &&
        sample.labels.queue !== 'dead-letter',
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

export async function startAll(env: Record<string, string>): Promise<AllProcess> {
  const child = spawnCli(['all'], {
    HOST: '127.0.0.1',
    PORT: '0',
    DASHBOARD_USER: 'ops',
    DASHBOARD_PASSWORD: 'pw',
    LOG_LEVEL: 'info',
    JOB_BACKOFF_MS: '200',
    ...env,
  });
  const [, url] = await child.waitFor(/"url":"(http:\/\/[^"]+)"/);
  const all: AllProcess = {
    process: child,
    url,
    readyz: async () => {
      const response = await fetch(`${url}/readyz`);
      return { status: response.status, body: (await response.json()) as never };
    },
    metric: async (name, labels = {}) => sampleValue(await fetchMetricSamples(url), name, labels),
    metricSum: async name =>
      (await fetchMetricSamples(url))
        .filter(sample => sample.name === name)
        .reduce((sum, sample) => sum + sample.value, 0),
    logLines: pattern =>
      `${child.stdout()}${child.stderr()}`.split('\n').filter(line => pattern.test(line)).length,
    waitUntilReady: async (timeoutMs = 60_000) => {
      await waitUntil('/readyz to answer 200', async () => (await all.readyz()).status === 200, {
        timeoutMs,
        everyMs: 200,
      });
    },
    stop: async () => {
      const exit = await child.stop();
      if (exit.code !== 0)
        throw new Error(`user-sync all exited ${JSON.stringify(exit)}:\n${child.stdout()}`);
    },
  };
  return all;
}
