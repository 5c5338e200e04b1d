/** The PromQL of deploy/prometheus/alerts.yml and deploy/grafana/user-sync.json, as the tests read it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MetricNames, PROCESS_METRICS_PREFIX } from '../../../src/metrics/metric-names';

export const ROOT = join(__dirname, '..', '..', '..');
export const ALERTS_FILE = join(ROOT, 'deploy', 'prometheus', 'alerts.yml');
export const ALERT_TESTS_FILE = join(ROOT, 'deploy', 'prometheus', 'alerts.test.yml');
export const DASHBOARD_FILE = join(ROOT, 'deploy', 'grafana', 'user-sync.json');
export const ADAPTER_FILE = join(ROOT, 'deploy', 'prometheus', 'prometheus-adapter-values.yaml');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function loadAlertRules(file = ALERTS_FILE): AlertRule[] {
  const { groups } = parse(readFileSync(file, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return groups.flatMap(group => group.rules);
}

/** The queries prometheus-adapter runs for the worker autoscaler's external metrics. */
export function adapterQueries(): { metric: string; expr: string }[] {
  const { rules } = parse(readFileSync(ADAPTER_FILE, 'utf8')) as {
    rules: { external: { name: { as: string }; metricsQuery: string }[] };
  };
  return rules.external.map(rule => ({ metric: rule.name.as, expr: rule.metricsQuery }));
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}

export interface Dashboard {
  title: string;
  uid: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query: string }[] };
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/**
 * Grafana's built-in interval variables, replaced as Grafana would for a short range, so the query can be
 * sent to Prometheus as it is. Any other `$variable` is left in place and fails the query.
 */
export function asPrometheusQuery(expr: string, rateInterval = '30s'): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$__interval', '15s');
}

/** Every panel query of the dashboard, with the panel it belongs to. */
export function dashboardQueries(dashboard = loadDashboard()): { panel: string; expr: string }[] {
  return dashboard.panels.flatMap(panel =>
    (panel.targets ?? []).map(({ expr }) => ({ panel: panel.title, expr })),
  );
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
const KNOWN = new Set<string>(Object.values(MetricNames));
/** prom-client's default metrics (process_*, nodejs_*), under user-sync's prefix. */
const PROCESS_METRIC = new RegExp(`^${PROCESS_METRICS_PREFIX}(process|nodejs)_`);

/** user_sync_* names in an expression that user-sync does not expose (a typo returns no data, silently). */
export function unknownMetricNames(expr: string): string[] {
  const names = expr.match(/\buser_sync_[a-z0-9_]+/g) ?? [];
  return names.filter(
    name =>
      !KNOWN.has(name) &&
      !HISTOGRAM_SUFFIXES.some(suffix => name.endsWith(suffix) && KNOWN.has(name.slice(0, -suffix.length))) &&
      !PROCESS_METRIC.test(name),
  );
}
