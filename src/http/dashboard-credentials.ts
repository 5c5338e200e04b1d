/**
 * Whether the dashboard may start, and with which credentials. An open dashboard can retry, promote and
 * delete jobs, so it starts without credentials only when the operator said so (DASHBOARD_AUTH=none),
 * which config allows only on a loopback HOST.
 */
import type { Config } from '../config/config-types';

export type DashboardAccess =
  { mode: 'basic'; user: string; password: string } | { mode: 'open' } | { mode: 'refused'; problem: string };

export function dashboardAccess(config: Pick<Config, 'dashboard' | 'host'>): DashboardAccess {
  const { user, password, authDisabled } = config.dashboard;
  if (user !== undefined && password !== undefined) return { mode: 'basic', user, password };
  if (authDisabled) return { mode: 'open' };
  return {
    mode: 'refused',
    problem:
      'the dashboard needs credentials: set DASHBOARD_USER and DASHBOARD_PASSWORD ' +
      '(or, on a machine of your own, HOST=127.0.0.1 with DASHBOARD_AUTH=none)',
  };
}

export class DashboardRefused extends Error {
  override readonly name = 'DashboardRefused';
}
