/**
 * Every HTTP route user-sync serves, in one table. The open routes below are answered by pure endpoint
 * functions (src/http/endpoints/); everything else belongs to the dashboard (Bull Board at
 * `DASHBOARD_BASE_PATH`, its API under `/api/`), mounted behind basic auth by `createHttpApp` and only in
 * processes that serve the dashboard. Probes and metrics stay open: orchestrators and Prometheus have
 * no dashboard credentials, and these routes reveal nothing a job payload would.
 */
import type { Registry } from 'prom-client';
import type { HttpResponse } from './http/http-response';
import type { ReadinessProbe } from './http/readiness-probe';
import { healthz } from './http/endpoints/healthz';
import { metrics } from './http/endpoints/metrics';
import { readyz } from './http/endpoints/readyz';

/** What the endpoints of one process are given. */
export interface RouteContext {
  probes: readonly ReadinessProbe[];
  registry: Registry;
  /** True once shutdown began. */
  draining(): boolean;
}

export interface Route {
  method: 'get';
  path: string;
  handler(context: RouteContext): HttpResponse | Promise<HttpResponse>;
}

export const OPEN_ROUTES: readonly Route[] = [
  { method: 'get', path: '/healthz', handler: () => healthz() },
  {
    method: 'get',
    path: '/readyz',
    handler: context => readyz({ probes: context.probes, draining: context.draining() }),
  },
  { method: 'get', path: '/metrics', handler: context => metrics(context.registry) },
];

/** Bull Board's UI; its API is under `${DASHBOARD_BASE_PATH}api/`. */
export const DASHBOARD_BASE_PATH = '/';
