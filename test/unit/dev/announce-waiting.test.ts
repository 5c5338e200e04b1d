import { announceWaiting } from '../../../src/dev/announce-waiting';
import { DependencyStatus } from '../../../src/roles/dependency-status';

const addresses = {
  dashboardUrl: 'http://127.0.0.1:3000',
  credentials: { user: 'admin', password: 'pw' },
  mongo: { url: 'mongodb://127.0.0.1:27017/user-sync', source: 'embedded emulator' },
  redis: { url: 'redis://127.0.0.1:6390', source: 'REDIS_URL' },
};
const REDIS_DOWN = 'waiting for Redis at redis://127.0.0.1:6390 (ECONNREFUSED)';
const MONGO_DOWN = 'waiting for MongoDB at mongodb://127.0.0.1:27017/user-sync (ECONNREFUSED)';

describe('announceWaiting (what dev prints while a server does not answer)', () => {
  function setUp() {
    const status = new DependencyStatus();
    const printed: string[] = [];
    const announcer = announceWaiting(status, addresses, text => printed.push(text));
    return { status, printed, announcer };
  }

  it('prints nothing while the servers answer', () => {
    const { status, printed } = setUp();
    status.markUp('mongodb');
    status.markUp('redis');
    expect(printed).toEqual([]);
  });

  it('at the first server down: a banner naming that one only, its reason and where dev is', () => {
    const { status, printed } = setUp();
    status.markUp('mongodb');
    status.markDown('redis', REDIS_DOWN);
    expect(printed).toHaveLength(1);
    const [banner] = printed;
    expect(banner).toMatch(/^user-sync dev is waiting for Redis; it goes on by itself once it answers$/m);
    expect(banner).toContain(`\n  ${REDIS_DOWN}\n`);
    expect(banner).not.toContain('MongoDB at');
    expect(banner).toMatch(/^ {2}dashboard {3}http:\/\/127\.0\.0\.1:3000\/$/m);
    expect(banner).toMatch(/^ {2}password {4}pw$/m);
    expect(banner).toMatch(/^ {2}Redis {7}redis:\/\/127\.0\.0\.1:6390 {2}\(REDIS_URL\)$/m);
    expect(banner).toMatch(/Ctrl-C stops it\.\n\n$/);
    // Scripts take this line for "dev is up": it must not appear while dev waits.
    expect(banner).not.toContain('Ctrl-C stops everything');
  });

  it('a second server down adds one line; the same server again, or anything after stop, adds none', () => {
    const { status, printed, announcer } = setUp();
    status.markDown('redis', REDIS_DOWN);
    status.markDown('mongodb', MONGO_DOWN);
    status.markDown('redis', REDIS_DOWN);
    expect(printed.slice(1)).toEqual([`  and ${MONGO_DOWN}\n`]);
    announcer.stop();
    status.markUp('redis');
    status.markDown('redis', REDIS_DOWN);
    expect(printed).toHaveLength(2);
  });

  it('both down at once: the banner names both', () => {
    const status = new DependencyStatus();
    status.markDown('mongodb', MONGO_DOWN);
    const printed: string[] = [];
    announceWaiting(status, addresses, text => printed.push(text));
    status.markDown('redis', REDIS_DOWN);
    expect(printed[0]).toMatch(
      /^user-sync dev is waiting for MongoDB and Redis; it goes on by itself once they answer$/m,
    );
    expect(printed[0]).toContain(`  ${MONGO_DOWN}\n  ${REDIS_DOWN}\n`);
  });
});
