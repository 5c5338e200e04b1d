/**
 * deploy/grafana/user-sync.json as data: the panels an operator needs, each on the templated Prometheus
 * datasource, each query naming only series user-sync exposes. That every query runs against a real
 * Prometheus is test/integration/operator-kit's job.
 */
import { dashboardQueries, loadDashboard, unknownMetricNames } from './operator-kit-files';

const dashboard = loadDashboard();
const panels = dashboard.panels.filter(panel => panel.type !== 'row');
const queries = dashboardQueries(dashboard);
const panelsQuerying = (pattern: RegExp) =>
  panels.filter(panel => panel.targets?.some(target => pattern.test(target.expr))).map(panel => panel.title);

describe('deploy/grafana/user-sync.json', () => {
  it('asks for its Prometheus datasource, and every panel and query uses it', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' }),
    );
    for (const panel of panels) {
      expect({ [panel.title]: panel.datasource?.uid }).toEqual({ [panel.title]: '${DS_PROMETHEUS}' });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${DS_PROMETHEUS}');
    }
  });

  it('has unique panel ids and queries in every panel', () => {
    const ids = dashboard.panels.map(panel => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels)
      expect({ [panel.title]: panel.targets?.length }).not.toEqual({ [panel.title]: 0 });
  });

  it('shows throughput, lag, queue depth, failures, dead letters, durations and Redis errors', () => {
    const needed: Record<string, RegExp> = {
      throughput: /rate\(user_sync_jobs_completed_total/,
      'listener lag': /user_sync_listener_lag_seconds/,
      'queue depth by state': /by \(state\) .*user_sync_queue_jobs/,
      failures: /rate\(user_sync_jobs_failed_total/,
      retries: /rate\(user_sync_jobs_retried_total/,
      'dead-letter count': /user_sync_dead_letter_jobs/,
      'oldest dead letter': /user_sync_dead_letter_oldest_age_seconds/,
      'job duration quantiles': /histogram_quantile\(0\.\d+, .*user_sync_job_duration_seconds_bucket/,
      'Redis errors': /user_sync_redis_errors_total/,
    };
    for (const [what, pattern] of Object.entries(needed))
      expect({ [what]: panelsQuerying(pattern).length > 0 }).toEqual({ [what]: true });
  });

  it('queries only series user-sync exposes, aggregating queue depths with max across pods', () => {
    for (const { panel, expr } of queries) {
      expect({ panel, unknown: unknownMetricNames(expr) }).toEqual({ panel, unknown: [] });
      // Every process reports the same depths: a sum across pods would multiply them by the pod count.
      if (expr.includes('user_sync_queue_jobs'))
        expect(expr).toMatch(/max by \([^)]*\) \(user_sync_queue_jobs/);
    }
  });
});
