import { DependencyStatus } from '../../../src/roles/dependency-status';

/** What the dashboard answers (503 "starting: <summary> (see /readyz)") while a role waits for its servers. */
describe('the dashboard while its role starts: DependencyStatus.summary', () => {
  it('names only the server that is down', () => {
    const status = new DependencyStatus();
    status.markUp('mongodb');
    status.markDown('redis', 'waiting for Redis at redis://127.0.0.1:6390 (ECONNREFUSED)');
    expect(status.summary()).toBe('waiting for Redis');

    const other = new DependencyStatus();
    other.markDown('mongodb', 'waiting for MongoDB at mongodb://db:27017/app (ECONNREFUSED)');
    other.markUp('redis');
    expect(other.summary()).toBe('waiting for MongoDB');
  });

  it('names both when both are down, and what it still connects to before any attempt failed', () => {
    const status = new DependencyStatus();
    expect(status.summary()).toBe('connecting to MongoDB and Redis');
    status.markUp('redis');
    expect(status.summary()).toBe('connecting to MongoDB');
    status.markDown('redis', 'Redis refused');
    status.markDown('mongodb', 'MongoDB unreachable');
    expect(status.summary()).toBe('waiting for MongoDB and Redis');
    status.markUp('mongodb');
    status.markUp('redis');
    expect(status.summary()).toBe('servers connected, role starting');
  });
});
