import { readyz } from '../../../src/http/endpoints/readyz';
import { DependencyStatus } from '../../../src/roles/dependency-status';

describe('DependencyStatus on /readyz while a role boots', () => {
  it('names the server waited for and why, the other one ok', async () => {
    const status = new DependencyStatus();
    status.markUp('redis');
    status.markDown('mongodb', 'waiting for MongoDB at mongodb://db:27017/app (ECONNREFUSED)');
    expect(await readyz({ probes: status.probes(), draining: false })).toEqual({
      status: 503,
      body: {
        status: 'not ready',
        failed: ['mongodb'],
        checks: { mongodb: 'waiting for MongoDB at mongodb://db:27017/app (ECONNREFUSED)', redis: 'ok' },
      },
    });
  });

  it('says "connecting" before the first attempt failed, and ok once both answer', async () => {
    const status = new DependencyStatus();
    expect((await readyz({ probes: status.probes(), draining: false })).body).toMatchObject({
      checks: { mongodb: 'connecting', redis: 'connecting' },
    });
    status.markUp('mongodb');
    status.markUp('redis');
    expect((await readyz({ probes: status.probes(), draining: false })).status).toBe(200);
  });
});
