/**
 * The one place configuration enters the service. Pure: it reads only the `env` it is given, so tests pass
 * literal objects and every process role gets the same answer from the same environment.
 */
import type { Config } from './config-types';
import { ConfigError } from './config-error';
import { DEFAULT_REDIS_URL, envSchema, type ParsedEnv, type RawEnv } from './env-schema';
import { clusterSafePrefix } from './cluster-safe-prefix';
import { resolveRedis } from './resolve-redis';
import { parseMongoUrl } from './mongo-url';

export function loadConfig(env: RawEnv): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : 'environment';
      return `${variable} ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  return resolve(result.data);
}

function resolve(env: ParsedEnv): Config {
  const mongo = parseMongoUrl(env.MONGO_URL);
  if (!mongo.ok) {
    // Unreachable: the schema already rejected such URLs. Kept so the types cannot drift apart.
    throw new ConfigError([`MONGO_URL ${mongo.problem}`]);
  }
  const redis = resolveRedis(env);
  const queuePrefix = clusterSafePrefix(env.QUEUE_PREFIX, redis.topology.kind === 'cluster');
  return {
    mongoUrl: env.MONGO_URL,
    mongoDatabase: mongo.database,
    redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
    redis,
    queuePrefix: queuePrefix.prefix,
    queuePrefixWrappedFrom: queuePrefix.wrappedFrom,
    retention: {
      completedSeconds: env.RETAIN_COMPLETED_SECONDS,
      completedJobs: env.RETAIN_COMPLETED_JOBS,
      failedSeconds: env.RETAIN_FAILED_SECONDS,
      failedJobs: env.RETAIN_FAILED_JOBS,
      events: env.RETAIN_EVENTS,
      deadLetterDays: env.RETAIN_DEAD_LETTER_DAYS,
    },
    workerConcurrency: env.WORKER_CONCURRENCY,
    jobAttempts: env.JOB_ATTEMPTS,
    jobBackoffMs: env.JOB_BACKOFF_MS,
    port: env.PORT,
    host: env.HOST,
    dashboard: {
      user: env.DASHBOARD_USER,
      password: env.DASHBOARD_PASSWORD,
      authDisabled: env.DASHBOARD_AUTH === 'none',
      readOnly: env.DASHBOARD_READ_ONLY,
    },
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    connectTimeoutMs: env.CONNECT_TIMEOUT_MS,
    listener: {
      leaseTtlMs: env.LISTENER_LEASE_TTL_MS,
      checkpointEveryEvents: env.LISTENER_CHECKPOINT_EVERY_EVENTS,
      checkpointEveryMs: env.LISTENER_CHECKPOINT_EVERY_MS,
    },
    syncReferences: env.SYNC_REFERENCES,
    identity: {
      enabled:
        env.IDENTITY_SYNC || env.CLERK_WEBHOOK_SECRET !== undefined || env.CLERK_SECRET_KEY !== undefined,
      webhookSecret: env.CLERK_WEBHOOK_SECRET,
      webhookPort: env.WEBHOOK_PORT,
      secretKey: env.CLERK_SECRET_KEY,
      apiUrl: env.CLERK_API_URL,
    },
    collections: {
      users: env.USERS_COLLECTION,
      accounts: env.ACCOUNTS_COLLECTION,
      contacts: env.CONTACTS_COLLECTION,
      orders: env.ORDERS_COLLECTION,
      tasks: env.TASKS_COLLECTION,
    },
  };
}
