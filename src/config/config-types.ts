import type { HostPort } from './host-port';

/** The fully resolved configuration `loadConfig(env)` returns; every default already applied. */
export interface Config {
  mongoUrl: string;
  /** The database named by MONGO_URL's path (`mongodb://h/app` -> `app`). */
  mongoDatabase: string;
  /** REDIS_URL, or its default: the one node, where `redis.topology` is `single`. */
  redisUrl: string;
  redis: RedisConfig;
  /** BullMQ's key prefix; on a cluster wrapped in a hash tag (see `queuePrefixWrappedFrom`). */
  queuePrefix: string;
  /** QUEUE_PREFIX as given, when it was wrapped in a hash tag for Redis Cluster; for the boot log. */
  queuePrefixWrappedFrom: string | undefined;
  retention: RetentionConfig;
  workerConcurrency: number;
  jobAttempts: number;
  /** Base delay of the exponential backoff with jitter, ms. */
  jobBackoffMs: number;
  port: number;
  /** Interface the HTTP server binds to. */
  host: string;
  dashboard: {
    user: string | undefined;
    password: string | undefined;
    /** DASHBOARD_AUTH=none: allowed only when bound to 127.0.0.1. */
    authDisabled: boolean;
    readOnly: boolean;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** pino-pretty output (dev) instead of JSON lines (production). */
  logPretty: boolean;
  shutdownTimeoutMs: number;
  /**
   * How long a one-shot command waits for MongoDB or Redis before it gives up with one line; MongoDB's
   * own `serverSelectionTimeoutMS` in MONGO_URL wins for MongoDB.
   */
  connectTimeoutMs: number;
  listener: {
    /** A dead leader is replaced this long after its last renewal. */
    leaseTtlMs: number;
    /** The resume token is saved after this many enqueued events… */
    checkpointEveryEvents: number;
    /** …or this often, whichever comes first (and on shutdown). */
    checkpointEveryMs: number;
  };
  /**
   * SPEC §2b: copies also follow changes of orders, tasks, accounts and contacts. Off for platforms whose
   * own code keeps those copies.
   * @defaultValue true
   */
  syncReferences: boolean;
  identity: IdentityConfig;
  collections: CollectionNames;
}

/** SPEC §7: users born and changed in the identity provider (Clerk). */
export interface IdentityConfig {
  /**
   * Whether the identity-sync queue exists here: workers serve it, the dashboard shows it. On when either
   * Clerk variable is set, or IDENTITY_SYNC=true (worker pods that hold no Clerk secret).
   */
  enabled: boolean;
  /** CLERK_WEBHOOK_SECRET: with it, `all` and `dev` serve the webhook, and `webhooks` can run. */
  webhookSecret: string | undefined;
  webhookPort: number;
  /** CLERK_SECRET_KEY, for `import-identities`. */
  secretKey: string | undefined;
  apiUrl: string;
}

export interface CollectionNames {
  users: string;
  accounts: string;
  contacts: string;
  orders: string;
  tasks: string;
}

/** SPEC §4: one node (or a managed endpoint), Redis Cluster, or Sentinel; chosen by environment alone. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: HostPort[] }
  | { kind: 'sentinel'; sentinels: HostPort[]; masterName: string };

export interface RedisConfig {
  topology: RedisTopology;
  /** REDIS_USERNAME / REDIS_PASSWORD: for cluster and sentinel (a single node takes them in its URL). */
  username: string | undefined;
  password: string | undefined;
  /** REDIS_TLS for cluster and sentinel; `rediss://` for a single node. */
  tls: boolean;
  /** A private CA to trust, PEM. */
  tlsCaFile: string | undefined;
  /** Where Redis is, for messages and /readyz: never with credentials. */
  address: string;
}

/** SPEC §4: what Redis keeps, bounded by age and count, so its memory is bounded in bytes. */
export interface RetentionConfig {
  completedSeconds: number;
  completedJobs: number;
  failedSeconds: number;
  failedJobs: number;
  /** Entries of each queue's event stream (BullMQ's `streams.events.maxLen`). */
  events: number;
  deadLetterDays: number;
}
