import { ConfigError, isConfigError } from '../../../src/config/config-error';
import { loadConfig } from '../../../src/config/load-config';

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error(`expected loadConfig to reject ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('resolves every default from an empty environment', () => {
    expect(loadConfig({})).toEqual({
      mongoUrl: 'mongodb://127.0.0.1:27017/user-sync?replicaSet=rs0',
      mongoDatabase: 'user-sync',
      redisUrl: 'redis://127.0.0.1:6379',
      redis: {
        topology: { kind: 'single', url: 'redis://127.0.0.1:6379' },
        username: undefined,
        password: undefined,
        tls: false,
        tlsCaFile: undefined,
        address: 'redis://127.0.0.1:6379',
      },
      queuePrefix: 'user-sync',
      queuePrefixWrappedFrom: undefined,
      retention: {
        completedSeconds: 3600,
        completedJobs: 100,
        failedSeconds: 604800,
        failedJobs: 100,
        events: 1000,
        deadLetterDays: 30,
      },
      workerConcurrency: 4,
      jobAttempts: 5,
      jobBackoffMs: 1000,
      port: 3000,
      host: '0.0.0.0',
      dashboard: { user: undefined, password: undefined, authDisabled: false, readOnly: false },
      logLevel: 'info',
      logPretty: false,
      shutdownTimeoutMs: 30000,
      connectTimeoutMs: 10000,
      listener: { leaseTtlMs: 5000, checkpointEveryEvents: 100, checkpointEveryMs: 1000 },
      syncReferences: true,
      identity: {
        enabled: false,
        webhookSecret: undefined,
        webhookPort: 3001,
        secretKey: undefined,
        apiUrl: 'https://api.clerk.com/v1',
      },
      collections: {
        users: '_users',
        accounts: '_accounts',
        contacts: 'crm.contacts',
        orders: '_store.orders',
        tasks: 'projects.tasks',
      },
    });
  });

  it('applies every override', () => {
    const config = loadConfig({
      MONGO_URL: 'mongodb://db1:27017,db2:27017/app?replicaSet=rs0',
      REDIS_URL: 'rediss://:secret@cache:6380/2',
      QUEUE_PREFIX: '{user-sync}',
      WORKER_CONCURRENCY: '16',
      JOB_ATTEMPTS: '9',
      JOB_BACKOFF_MS: '0',
      PORT: '8080',
      HOST: '127.0.0.1',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'hunter2',
      DASHBOARD_AUTH: 'none',
      DASHBOARD_READ_ONLY: 'true',
      LOG_LEVEL: 'debug',
      LOG_PRETTY: 'yes',
      SHUTDOWN_TIMEOUT_MS: '5000',
      CONNECT_TIMEOUT_MS: '3000',
      LISTENER_LEASE_TTL_MS: '2000',
      LISTENER_CHECKPOINT_EVERY_EVENTS: '10',
      LISTENER_CHECKPOINT_EVERY_MS: '250',
      SYNC_REFERENCES: 'false',
      CLERK_WEBHOOK_SECRET: 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
      WEBHOOK_PORT: '4001',
      CLERK_SECRET_KEY: 'sk_test_abc',
      CLERK_API_URL: 'http://127.0.0.1:9999/v1',
      USERS_COLLECTION: 'users',
      ACCOUNTS_COLLECTION: 'accounts',
      CONTACTS_COLLECTION: 'contacts',
      ORDERS_COLLECTION: 'orders',
      TASKS_COLLECTION: 'tasks',
      REDIS_TLS_CA_FILE: '/etc/ssl/redis-ca.pem',
      RETAIN_COMPLETED_SECONDS: '60',
      RETAIN_COMPLETED_JOBS: '10',
      RETAIN_FAILED_SECONDS: '120',
      RETAIN_FAILED_JOBS: '20',
      RETAIN_EVENTS: '500',
      RETAIN_DEAD_LETTER_DAYS: '7',
    });
    expect(config).toEqual({
      mongoUrl: 'mongodb://db1:27017,db2:27017/app?replicaSet=rs0',
      mongoDatabase: 'app',
      redisUrl: 'rediss://:secret@cache:6380/2',
      redis: {
        topology: { kind: 'single', url: 'rediss://:secret@cache:6380/2' },
        username: undefined,
        password: undefined,
        tls: true,
        tlsCaFile: '/etc/ssl/redis-ca.pem',
        address: 'rediss://:***@cache:6380/2',
      },
      queuePrefix: '{user-sync}',
      queuePrefixWrappedFrom: undefined,
      retention: {
        completedSeconds: 60,
        completedJobs: 10,
        failedSeconds: 120,
        failedJobs: 20,
        events: 500,
        deadLetterDays: 7,
      },
      workerConcurrency: 16,
      jobAttempts: 9,
      jobBackoffMs: 0,
      port: 8080,
      host: '127.0.0.1',
      dashboard: { user: 'ops', password: 'hunter2', authDisabled: true, readOnly: true },
      logLevel: 'debug',
      logPretty: true,
      shutdownTimeoutMs: 5000,
      connectTimeoutMs: 3000,
      listener: { leaseTtlMs: 2000, checkpointEveryEvents: 10, checkpointEveryMs: 250 },
      syncReferences: false,
      identity: {
        enabled: true,
        webhookSecret: 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
        webhookPort: 4001,
        secretKey: 'sk_test_abc',
        apiUrl: 'http://127.0.0.1:9999/v1',
      },
      collections: {
        users: 'users',
        accounts: 'accounts',
        contacts: 'contacts',
        orders: 'orders',
        tasks: 'tasks',
      },
    });
  });

  it.each([
    ['mongodb://host:27017/app?replicaSet=rs0', 'app'],
    ['mongodb://host/app', 'app'],
    ['mongodb://user:p%40ss@host:27017/my-db?authSource=admin', 'my-db'],
    ['mongodb+srv://cluster.example.net/prod_users?retryWrites=true', 'prod_users'],
    ['mongodb://h1,h2,h3/app', 'app'],
  ])('takes the database from the path of %s', (url, database) => {
    expect(loadConfig({ MONGO_URL: url }).mongoDatabase).toBe(database);
  });

  it('treats empty values like unset ones', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '  ', DASHBOARD_READ_ONLY: '' })).toMatchObject({
      port: 3000,
      logLevel: 'info',
      dashboard: { readOnly: false },
    });
  });

  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['TRUE', true],
    ['1', true],
    ['on', true],
  ])('reads LOG_PRETTY=%s as %s', (raw, expected) => {
    expect(loadConfig({ LOG_PRETTY: raw }).logPretty).toBe(expected);
  });

  it.each<[string, Record<string, string>, string]>([
    ['MONGO_URL', { MONGO_URL: 'mongodb://host:27017' }, 'MONGO_URL must name the database in its path'],
    ['MONGO_URL', { MONGO_URL: 'mongodb://host:27017/?replicaSet=rs0' }, 'MONGO_URL must name the database'],
    ['MONGO_URL', { MONGO_URL: 'postgres://host/app' }, 'MONGO_URL must be a mongodb:// or mongodb+srv://'],
    ['MONGO_URL', { MONGO_URL: 'mongodb://host/a.b' }, 'MONGO_URL names an invalid database "a.b"'],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    ['QUEUE_PREFIX', { QUEUE_PREFIX: 'user sync' }, 'QUEUE_PREFIX must not contain whitespace'],
    [
      'WORKER_CONCURRENCY',
      { WORKER_CONCURRENCY: 'abc' },
      'WORKER_CONCURRENCY must be a positive integer (got "abc")',
    ],
    ['WORKER_CONCURRENCY', { WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY must be a positive integer'],
    ['JOB_ATTEMPTS', { JOB_ATTEMPTS: '2.5' }, 'JOB_ATTEMPTS must be a positive integer (got "2.5")'],
    ['JOB_BACKOFF_MS', { JOB_BACKOFF_MS: '-1' }, 'JOB_BACKOFF_MS must be a non-negative integer'],
    ['PORT', { PORT: '70000' }, 'PORT must be an integer between 0 and 65535 (got "70000")'],
    ['HOST', { HOST: 'a b' }, 'HOST must not contain whitespace'],
    [
      'DASHBOARD_AUTH',
      { DASHBOARD_AUTH: 'oauth' },
      'DASHBOARD_AUTH must be one of basic, none (got "oauth")',
    ],
    [
      'DASHBOARD_AUTH',
      { DASHBOARD_AUTH: 'none' },
      'DASHBOARD_AUTH may be "none" only when HOST is a loopback',
    ],
    ['DASHBOARD_PASSWORD', { DASHBOARD_USER: 'ops' }, 'DASHBOARD_PASSWORD must be set when DASHBOARD_USER'],
    ['DASHBOARD_USER', { DASHBOARD_PASSWORD: 'pw' }, 'DASHBOARD_USER must be set when DASHBOARD_PASSWORD'],
    ['DASHBOARD_READ_ONLY', { DASHBOARD_READ_ONLY: 'maybe' }, 'DASHBOARD_READ_ONLY must be true or false'],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug'],
    ['LOG_PRETTY', { LOG_PRETTY: 'pretty' }, 'LOG_PRETTY must be true or false (got "pretty")'],
    [
      'SYNC_REFERENCES',
      { SYNC_REFERENCES: 'sometimes' },
      'SYNC_REFERENCES must be true or false (got "sometimes")',
    ],
    [
      'CLERK_WEBHOOK_SECRET',
      { CLERK_WEBHOOK_SECRET: 'my-secret' },
      'CLERK_WEBHOOK_SECRET must be the signing secret Clerk shows, starting with whsec_ (got "whsec_***")',
    ],
    ['CLERK_SECRET_KEY', { CLERK_SECRET_KEY: 'pk_test_abc' }, 'CLERK_SECRET_KEY must be a Clerk secret key'],
    ['CLERK_API_URL', { CLERK_API_URL: 'ftp://clerk' }, 'CLERK_API_URL must be an http(s) URL'],
    ['WEBHOOK_PORT', { WEBHOOK_PORT: '70000' }, 'WEBHOOK_PORT must be an integer between 0 and 65535'],
    ['IDENTITY_SYNC', { IDENTITY_SYNC: 'maybe' }, 'IDENTITY_SYNC must be true or false'],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: '10s' }, 'SHUTDOWN_TIMEOUT_MS must be a positive integer'],
    [
      'CONNECT_TIMEOUT_MS',
      { CONNECT_TIMEOUT_MS: '50' },
      'CONNECT_TIMEOUT_MS must be an integer of at least 100',
    ],
    ['LISTENER_LEASE_TTL_MS', { LISTENER_LEASE_TTL_MS: '100' }, 'LISTENER_LEASE_TTL_MS'],
    [
      'LISTENER_CHECKPOINT_EVERY_EVENTS',
      { LISTENER_CHECKPOINT_EVERY_EVENTS: '0' },
      'LISTENER_CHECKPOINT_EVERY_EVENTS',
    ],
    ['USERS_COLLECTION', { USERS_COLLECTION: 'us$ers' }, 'USERS_COLLECTION must be a collection name'],
    [
      'ACCOUNTS_COLLECTION',
      { ACCOUNTS_COLLECTION: 'system.x' },
      'ACCOUNTS_COLLECTION must not name a system',
    ],
    ['CONTACTS_COLLECTION', { CONTACTS_COLLECTION: '$c' }, 'CONTACTS_COLLECTION must be a collection name'],
    ['ORDERS_COLLECTION', { ORDERS_COLLECTION: 'o$' }, 'ORDERS_COLLECTION must be a collection name'],
    ['TASKS_COLLECTION', { TASKS_COLLECTION: 'system.t' }, 'TASKS_COLLECTION must not name a system'],
  ])('rejects a bad %s and names it', (_variable, env, expected) => {
    const error = configErrorOf(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(expected);
    expect(error.message).toContain(expected);
  });

  it('lists every bad variable at once', () => {
    const error = configErrorOf({
      WORKER_CONCURRENCY: 'many',
      PORT: 'http',
      LOG_LEVEL: 'loud',
      HOST: '10.0.0.1',
      DASHBOARD_AUTH: 'none',
    });
    expect(error.problems.map(problem => problem.split(' ')[0])).toEqual([
      'WORKER_CONCURRENCY',
      'PORT',
      'LOG_LEVEL',
      'DASHBOARD_AUTH',
    ]);
    for (const variable of ['WORKER_CONCURRENCY', 'PORT', 'LOG_LEVEL', 'DASHBOARD_AUTH']) {
      expect(error.message).toContain(variable);
    }
  });

  it('never quotes credentials back in an error', () => {
    const error = configErrorOf({
      MONGO_URL: 'mongodb://admin:s3cret@host:27017',
      REDIS_URL: 'http://:r3dis-pw@cache:6379',
    });
    expect(error.message).toContain('MONGO_URL');
    expect(error.message).toContain('REDIS_URL');
    expect(error.message).toContain('mongodb://admin:***@host:27017');
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('r3dis-pw');
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'production' })).not.toThrow();
  });
});
