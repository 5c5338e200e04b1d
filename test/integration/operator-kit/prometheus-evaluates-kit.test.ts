/**
 * The operator's kit against a real Prometheus (Debian's prometheus package) scraping a real `user-sync all`:
 * every Grafana panel query and every alert expression runs without error on the series user-sync really
 * exposes, the core ones return data, and the alerts stay quiet while everything is healthy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId } from 'mongodb';
import { freePort } from '../../../src/dev/free-port';
import { useAllStack } from '../../support/all-stack';
import { trackChildProcess } from '../../support/leak-guard';
import { anOrder, aUser } from '../../support/sync-fixtures';
import { waitUntil } from '../../support/wait-until';
import {
  adapterQueries,
  ALERTS_FILE,
  asPrometheusQuery,
  dashboardQueries,
  loadAlertRules,
} from '../../unit/deploy/operator-kit-files';

interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

interface RulesAnswer {
  data: { groups: { rules: { name: string; health: string; lastError?: string; state?: string }[] }[] };
}

let prometheus: ChildProcess | undefined;
let prometheusOutput = '';
let prometheusUrl = '';
let storage = '';

// Declared before useAllStack: hooks run in declaration order, so Prometheus stops before the stack's own
// afterAll checks that nothing was left running.
afterAll(async () => {
  if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
    const exited = new Promise(resolve => prometheus?.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  if (storage) rmSync(storage, { recursive: true, force: true });
});

const stack = useAllStack();

async function query(expr: string): Promise<QueryAnswer> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await response.json()) as QueryAnswer;
}

async function resultOf(expr: string) {
  const answer = await query(expr);
  if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
  return answer.data?.result ?? [];
}

beforeAll(async () => {
  storage = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const target = new URL(stack.all.url).host;
  writeFileSync(
    join(storage, 'prometheus.yml'),
    JSON.stringify({
      // Seconds, not Prometheus' minute: the test waits for a few scrapes and rule evaluations.
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [ALERTS_FILE],
      // The job name the alerts assume (UserSyncDown matches up{job="user-sync"}).
      scrape_configs: [
        { job_name: 'user-sync', metrics_path: '/metrics', static_configs: [{ targets: [target] }] },
      ],
    }),
  );
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = trackChildProcess(
    spawn(
      'prometheus',
      [
        `--config.file=${join(storage, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(storage, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
    'prometheus',
  );
  prometheus.stdout?.on('data', chunk => (prometheusOutput += String(chunk)));
  prometheus.stderr?.on('data', chunk => (prometheusOutput += String(chunk)));
  const spawnError = new Promise<never>((_, reject) =>
    prometheus?.once('error', error =>
      reject(new Error(`prometheus (Debian package) did not start: ${error.message}`)),
    ),
  );

  await Promise.race([
    spawnError,
    waitUntil(
      'Prometheus to scrape user_sync_* series from `user-sync all`',
      async () => {
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited:\n${prometheusOutput}`);
        return (await resultOf('user_sync_queue_jobs{job="user-sync"}')).length > 0;
      },
      { timeoutMs: 30_000, everyMs: 250 },
    ),
  ]);

  // Histogram series appear with their first observation, and rate() counts only what comes after: so one
  // round of changes creates the series, and a second, once Prometheus has them, gives the panels rates.
  const account = new ObjectId();
  const owner = aUser({ account, is_owner: true });
  await stack.db.collection('_accounts').insertOne({ _id: account, owner: {} });
  await stack.db.collection('_users').insertOne(owner);
  await stack.db
    .collection('_store.orders')
    .insertOne(anOrder({ manager: owner._id, assigned_user_ids: [owner._id] }));
  const seen = (expr: string) => async () => (await resultOf(expr)).length > 0;
  await waitUntil('Prometheus to see the first jobs', seen('user_sync_orders_touched_per_change_bucket'), {
    timeoutMs: 30_000,
    everyMs: 250,
  });
  await stack.db.collection('_users').updateOne({ _id: owner._id }, { $set: { name: 'Renamed Owner' } });
  await waitUntil(
    'Prometheus to see the second round of jobs',
    async () =>
      (await seen('sum(rate(user_sync_job_duration_seconds_bucket[30s])) > 0')()) &&
      (await seen('sum(rate(user_sync_orders_touched_per_change_bucket[30s])) > 0')()),
    { timeoutMs: 30_000, everyMs: 250 },
  );
}, 60_000);

describe('the operator kit on a real Prometheus', () => {
  it('evaluates every Grafana panel query without error, with data in every panel but Redis errors', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    const answers = await Promise.all(
      queries.map(async ({ panel, expr }) => ({ panel, expr, answer: await query(asPrometheusQuery(expr)) })),
    );
    expect(answers.filter(({ answer }) => answer.status !== 'success')).toEqual([]);

    // A healthy process has met no Redis error, so only panels made of Redis error series may be empty.
    const panels = [...new Set(answers.map(({ panel }) => panel))];
    const ofPanel = (panel: string) => answers.filter(answer => answer.panel === panel);
    const empty = panels.filter(panel =>
      ofPanel(panel).every(({ answer }) => answer.data?.result.length === 0),
    );
    const redisOnly = panels.filter(panel =>
      ofPanel(panel).every(({ expr }) => /user_sync_redis_/.test(expr)),
    );
    expect(redisOnly).toHaveLength(1);
    expect(empty).toEqual(redisOnly);
  });

  it('returns the core series: one leader with its stream open, the completed jobs, their duration', async () => {
    const value = async (expr: string) => (await resultOf(expr)).map(sample => Number(sample.value[1]));
    expect(await value('sum(user_sync_listener_leader)')).toEqual([1]);
    expect(await value('sum(user_sync_listener_stream_open)')).toEqual([1]);
    const [completed] = await value('sum(user_sync_jobs_completed_total{queue="manager-sync"})');
    expect(completed).toBeGreaterThanOrEqual(2);
    expect(await value('max(user_sync_dead_letter_jobs)')).toEqual([0]);
    expect(await value('max(user_sync_listener_lag_seconds)')).toEqual([expect.any(Number)]);
    const duration = await value(
      'histogram_quantile(0.99, sum by (le) (user_sync_job_duration_seconds_bucket{queue="manager-sync"}))',
    );
    expect(duration).toEqual([expect.any(Number)]);
    expect(duration[0]).toBeGreaterThan(0);
    expect(await value('up{job="user-sync"}')).toEqual([1]);
  });

  it("answers the worker autoscaler's query (prometheus-adapter) with a number", async () => {
    const queries = adapterQueries();
    expect(queries.map(({ metric }) => metric)).toEqual(['user_sync_jobs_waiting']);
    for (const { expr } of queries)
      expect((await resultOf(expr)).map(sample => Number(sample.value[1]))).toEqual([expect.any(Number)]);
  });

  it('evaluates every alert expression without error, and loads every rule healthy', async () => {
    const rules = loadAlertRules();
    const answers = await Promise.all(
      rules.map(async rule => ({ alert: rule.alert, answer: await query(rule.expr) })),
    );
    expect(answers.filter(({ answer }) => answer.status !== 'success')).toEqual([]);

    // Prometheus evaluates the rule file itself too: every rule must have run, and without error.
    const loaded = await waitUntil(
      'every alert rule evaluated',
      async () => {
        const { data } = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as RulesAnswer;
        const all = data.groups.flatMap(group => group.rules);
        return all.length === rules.length && all.every(rule => rule.health !== 'unknown') && all;
      },
      { timeoutMs: 20_000, everyMs: 250 },
    );
    expect(loaded.filter(rule => rule.health !== 'ok')).toEqual([]);
  });

  it('keeps every alert quiet while the stack is healthy', async () => {
    // Right after start some expressions held (no series yet): alerts pending then clear as scrapes come in.
    let active: string[] = [];
    await waitUntil(
      'no alert pending or firing',
      async () => {
        const { data } = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as {
          data: { alerts: { labels: { alertname: string }; state: string }[] };
        };
        active = data.alerts.map(alert => `${alert.labels.alertname} (${alert.state})`);
        return active.length === 0;
      },
      { timeoutMs: 20_000, everyMs: 250 },
    ).catch(() => undefined);
    expect(active).toEqual([]);
  });
});
