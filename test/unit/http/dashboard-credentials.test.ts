import { loadConfig } from '../../../src/config/load-config';
import { dashboardAccess } from '../../../src/http/dashboard-credentials';

describe('dashboardAccess', () => {
  it('uses basic auth when both credentials are set', () => {
    expect(dashboardAccess(loadConfig({ DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'pw' }))).toEqual({
      mode: 'basic',
      user: 'ops',
      password: 'pw',
    });
  });

  it('refuses without credentials, naming both variables', () => {
    const access = dashboardAccess(loadConfig({}));
    expect(access.mode).toBe('refused');
    expect(access).toMatchObject({ problem: expect.stringMatching(/DASHBOARD_USER and DASHBOARD_PASSWORD/) });
  });

  it('runs open only when DASHBOARD_AUTH=none (which config allows on loopback only)', () => {
    expect(dashboardAccess(loadConfig({ DASHBOARD_AUTH: 'none', HOST: '127.0.0.1' }))).toEqual({
      mode: 'open',
    });
    expect(() => loadConfig({ DASHBOARD_AUTH: 'none', HOST: '0.0.0.0' })).toThrow(/DASHBOARD_AUTH/);
  });
});
