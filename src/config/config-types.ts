/** The fully resolved configuration `loadConfig(env)` returns; every default already applied. */
export interface Config {
  mongoUrl: string;
  /** The database named by MONGO_URL's path (`mongodb://h/app` -> `app`). */
  mongoDatabase: string;
  redisUrl: string;
  queuePrefix: string;
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
  collections: CollectionNames;
}

export interface CollectionNames {
  users: string;
  accounts: string;
  contacts: string;
  orders: string;
  tasks: string;
}
