/**
 * What each environment variable of `envSchema` is for, one line each: the source of docs/configuration.md
 * (`npm run docs`). The defaults are not repeated here; the generator reads them from the schema itself.
 * A variable added to the schema without a line here fails the type check and test/unit/docs.
 */
import type { z } from 'zod';
import type { envSchema } from './env-schema';

export type EnvVariable = keyof z.input<typeof envSchema>;

/** Sections of docs/configuration.md, in order. */
export const ENV_GROUPS = {
  mongo: 'MongoDB',
  redis: 'Redis',
  retention: 'Retention (Redis memory)',
  jobs: 'Queues and workers',
  http: 'HTTP and dashboard',
  logging: 'Logging',
  lifecycle: 'Start-up and shutdown',
  listener: 'Listener',
  sync: 'Sync rules',
  identity: 'Users from Clerk',
  collections: 'Collection names',
} as const;

export type EnvGroup = keyof typeof ENV_GROUPS;

export interface EnvDoc {
  group: EnvGroup;
  /** One line: what the variable does and what it accepts. */
  description: string;
  /** Shown instead of the schema's default where the schema's own default does not tell the whole story. */
  defaultText?: string;
}

export const ENV_DOCS: Record<EnvVariable, EnvDoc> = {
  MONGO_URL: {
    group: 'mongo',
    description:
      "MongoDB replica set (change streams need one). The database is the URL's path: `mongodb://host:27017/app?replicaSet=rs0` uses `app`; a URL without a database is an error. TLS options go in the URL (`tls=true&tlsCAFile=...`); `mongodb+srv://` (Atlas) works as is.",
  },
  REDIS_URL: {
    group: 'redis',
    description:
      'One Redis node or managed endpoint: `redis://`, or `rediss://` for TLS; user and password in the URL. Not together with `REDIS_CLUSTER_NODES` or `REDIS_SENTINELS`.',
    defaultText: '`redis://127.0.0.1:6379` (when no other topology is set)',
  },
  REDIS_CLUSTER_NODES: {
    group: 'redis',
    description:
      'Redis Cluster instead: `host:port,host:port,...`, any of its nodes. `QUEUE_PREFIX` is then wrapped in a hash tag.',
  },
  REDIS_SENTINELS: {
    group: 'redis',
    description: 'Sentinel instead: `host:port,...` of the sentinels; needs `REDIS_SENTINEL_MASTER`.',
  },
  REDIS_SENTINEL_MASTER: {
    group: 'redis',
    description: 'Name of the master the sentinels watch; needs `REDIS_SENTINELS`.',
  },
  REDIS_USERNAME: {
    group: 'redis',
    description: 'ACL user for a cluster or Sentinel (with `REDIS_URL`, put it in the URL).',
  },
  REDIS_PASSWORD: {
    group: 'redis',
    description: 'Password for a cluster or Sentinel (with `REDIS_URL`, put it in the URL). Never logged.',
  },
  REDIS_TLS: {
    group: 'redis',
    description:
      'TLS to a cluster or Sentinel (with `REDIS_URL`, use `rediss://`). The host name is sent (SNI) and the certificate verified against it.',
  },
  REDIS_TLS_CA_FILE: {
    group: 'redis',
    description: 'PEM file of a private CA to trust for Redis TLS, in every topology.',
  },
  RETAIN_COMPLETED_SECONDS: {
    group: 'retention',
    description: 'Completed jobs are removed after this many seconds…',
  },
  RETAIN_COMPLETED_JOBS: {
    group: 'retention',
    description: '…and beyond this many per queue.',
  },
  RETAIN_FAILED_SECONDS: {
    group: 'retention',
    description: 'Failed jobs are removed after this many seconds (a week)…',
  },
  RETAIN_FAILED_JOBS: {
    group: 'retention',
    description: '…and beyond this many per queue. Their dead-letter copies are kept apart (below).',
  },
  RETAIN_EVENTS: {
    group: 'retention',
    description: "Entries kept in each queue's event stream.",
  },
  RETAIN_DEAD_LETTER_DAYS: {
    group: 'retention',
    description:
      'Dead-letter entries older than this are deleted; `user_sync_dead_letter_oldest_age_seconds` shows the oldest.',
  },
  QUEUE_PREFIX: {
    group: 'jobs',
    description:
      "BullMQ's `prefix`: a queue's keys are `<QUEUE_PREFIX>:<queue>:*`. On Redis Cluster a prefix without a hash tag is wrapped in one (`user-sync` becomes `{user-sync}`).",
  },
  WORKER_CONCURRENCY: {
    group: 'jobs',
    description: 'Jobs one worker process runs at once, per queue.',
  },
  JOB_ATTEMPTS: {
    group: 'jobs',
    description:
      'Attempts per job before it lands in `dead-letter`. Transient MongoDB and Redis errors spend none.',
  },
  JOB_BACKOFF_MS: {
    group: 'jobs',
    description: 'Base delay of the exponential retry backoff, with 50% jitter.',
  },
  PORT: {
    group: 'http',
    description:
      'Port of the dashboard and of `/healthz`, `/readyz`, `/metrics` on every role; 0 picks a free one.',
  },
  HOST: {
    group: 'http',
    description: 'Interface the HTTP servers bind to (`dev` uses `127.0.0.1` unless this is set).',
  },
  DASHBOARD_USER: {
    group: 'http',
    description: 'Basic-auth user of the dashboard; set together with `DASHBOARD_PASSWORD`.',
  },
  DASHBOARD_PASSWORD: {
    group: 'http',
    description:
      'Basic-auth password of the dashboard; set together with `DASHBOARD_USER`. Without both the dashboard refuses to start (`dev` makes up a password).',
  },
  DASHBOARD_AUTH: {
    group: 'http',
    description: '`basic`, or `none`, which is allowed only when `HOST` is a loopback address.',
  },
  DASHBOARD_READ_ONLY: {
    group: 'http',
    description:
      "Bull Board's read-only mode: queues are shown, but jobs cannot be retried, promoted or deleted.",
  },
  LOG_LEVEL: {
    group: 'logging',
    description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
  },
  LOG_PRETTY: {
    group: 'logging',
    description: 'Human-readable logs (pino-pretty) instead of JSON lines.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    group: 'lifecycle',
    description:
      'Graceful shutdown budget; past it (or on a second signal) the process exits at once. Give orchestrators a longer grace period.',
  },
  CONNECT_TIMEOUT_MS: {
    group: 'lifecycle',
    description:
      'How long a one-shot command (`verify`, `resync`, `replay`, `retry`) waits for Redis, and for MongoDB unless `MONGO_URL` carries `serverSelectionTimeoutMS`, before it exits 1 naming the server.',
  },
  LISTENER_LEASE_TTL_MS: {
    group: 'listener',
    description:
      'Leadership lease of the listener; a standby takes over about this long after the leader dies.',
  },
  LISTENER_CHECKPOINT_EVERY_EVENTS: {
    group: 'listener',
    description: 'The resume token is saved after this many enqueued events…',
  },
  LISTENER_CHECKPOINT_EVERY_MS: {
    group: 'listener',
    description: '…or this often, and on shutdown.',
  },
  SYNC_REFERENCES: {
    group: 'sync',
    description:
      'Copies also follow changes of orders, tasks, accounts and contacts (the other side of the join). `false` for platforms whose own code keeps those copies: the listener then watches users only.',
  },
  CLERK_WEBHOOK_SECRET: {
    group: 'identity',
    description:
      "Clerk's signing secret (`whsec_...`). Turns on the webhook endpoint `POST /webhooks/clerk` in the `webhooks` role and inside `all` and `dev`.",
  },
  WEBHOOK_PORT: {
    group: 'identity',
    description:
      "Port of the webhook endpoint, apart from the dashboard's so that only it faces the internet.",
  },
  CLERK_SECRET_KEY: {
    group: 'identity',
    description:
      "Clerk's secret key (`sk_live_...` or `sk_test_...`) that `import-identities` reads users with.",
  },
  CLERK_API_URL: {
    group: 'identity',
    description: "Clerk's Backend API, for `import-identities`.",
  },
  IDENTITY_SYNC: {
    group: 'identity',
    description:
      'Workers serve the `identity-sync` queue (and the dashboard and `/metrics` show it). Set it on workers that have no Clerk variable.',
    defaultText: '`false`; `true` when `CLERK_WEBHOOK_SECRET` or `CLERK_SECRET_KEY` is set',
  },
  USERS_COLLECTION: { group: 'collections', description: 'Users.' },
  ACCOUNTS_COLLECTION: { group: 'collections', description: 'Accounts (their `owner` copy).' },
  CONTACTS_COLLECTION: {
    group: 'collections',
    description: "CRM contacts (the business contact's `email`).",
  },
  ORDERS_COLLECTION: {
    group: 'collections',
    description: 'Store orders (`metadata.dashclicks_team`, `metadata.responsible`).',
  },
  TASKS_COLLECTION: { group: 'collections', description: 'Project tasks (`order_metadata.responsible`).' },
};
