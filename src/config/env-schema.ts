/**
 * The environment as zod sees it: one field per variable, parsed and defaulted but not yet shaped into
 * `Config`. Defaults live here, next to the variable they belong to, and nowhere else.
 */
import { z } from 'zod';
import { scrubUrlCredentials } from '../logging/scrub-url-credentials';
import { parseMongoUrl } from './mongo-url';
import { booleanField, integerField, oneOfField, stringField } from './env-fields';

export const DEFAULT_MONGO_URL = 'mongodb://127.0.0.1:27017/user-sync?replicaSet=rs0';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const DASHBOARD_AUTH_MODES = ['basic', 'none'] as const;

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

function mongoUrlProblem(value: string): string | undefined {
  const parsed = parseMongoUrl(value);
  return parsed.ok ? undefined : parsed.problem;
}

function redisUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must be a redis:// or rediss:// URL';
    return url.hostname === '' ? 'must name a host' : undefined;
  } catch {
    return 'must be a redis:// or rediss:// URL';
  }
}

function noWhitespace(value: string): string | undefined {
  return /\s/.test(value) ? 'must not contain whitespace' : undefined;
}

/** MongoDB's own rules for collection names, so a typo fails at boot rather than at the first write. */
function collectionNameProblem(value: string): string | undefined {
  if (value.includes('$') || value.includes('\0')) return 'must be a collection name without "$"';
  if (value.startsWith('system.')) return 'must not name a system collection';
  return undefined;
}

const collectionField = (fallback: string) => stringField(fallback, collectionNameProblem);

export const envSchema = z
  .object({
    MONGO_URL: stringField(DEFAULT_MONGO_URL, mongoUrlProblem, scrubUrlCredentials),
    REDIS_URL: stringField(DEFAULT_REDIS_URL, redisUrlProblem, scrubUrlCredentials),
    QUEUE_PREFIX: stringField('user-sync', noWhitespace),
    WORKER_CONCURRENCY: integerField(4, { min: 1 }),
    JOB_ATTEMPTS: integerField(5, { min: 1 }),
    JOB_BACKOFF_MS: integerField(1000, { min: 0 }),
    PORT: integerField(3000, { min: 0, max: 65535 }),
    HOST: stringField('0.0.0.0', noWhitespace),
    DASHBOARD_USER: stringField(undefined),
    DASHBOARD_PASSWORD: stringField(undefined),
    DASHBOARD_AUTH: oneOfField(DASHBOARD_AUTH_MODES, 'basic'),
    DASHBOARD_READ_ONLY: booleanField(false),
    LOG_LEVEL: oneOfField(LOG_LEVELS, 'info'),
    LOG_PRETTY: booleanField(false),
    SHUTDOWN_TIMEOUT_MS: integerField(30000, { min: 1 }),
    CONNECT_TIMEOUT_MS: integerField(10000, { min: 100 }),
    LISTENER_LEASE_TTL_MS: integerField(5000, { min: 500 }),
    LISTENER_CHECKPOINT_EVERY_EVENTS: integerField(100, { min: 1 }),
    LISTENER_CHECKPOINT_EVERY_MS: integerField(1000, { min: 10 }),
    SYNC_REFERENCES: booleanField(true),
    USERS_COLLECTION: collectionField('_users'),
    ACCOUNTS_COLLECTION: collectionField('_accounts'),
    CONTACTS_COLLECTION: collectionField('crm.contacts'),
    ORDERS_COLLECTION: collectionField('_store.orders'),
    TASKS_COLLECTION: collectionField('projects.tasks'),
  })
  .superRefine(
    (env, ctx) => {
      if ((env.DASHBOARD_USER === undefined) !== (env.DASHBOARD_PASSWORD === undefined)) {
        const [missing, other] =
          env.DASHBOARD_USER === undefined
            ? ['DASHBOARD_USER', 'DASHBOARD_PASSWORD']
            : ['DASHBOARD_PASSWORD', 'DASHBOARD_USER'];
        ctx.addIssue({ code: 'custom', path: [missing], message: `must be set when ${other} is set` });
      }
      // An open dashboard can replay and delete jobs; only allow it where nobody else can reach it.
      if (
        env.DASHBOARD_AUTH === 'none' &&
        typeof env.HOST === 'string' &&
        !LOOPBACK_HOSTS.includes(env.HOST)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['DASHBOARD_AUTH'],
          message: `may be "none" only when HOST is a loopback address (127.0.0.1, ::1, localhost; HOST is ${JSON.stringify(env.HOST)})`,
        });
      }
    },
    // Run even when a field failed, so every bad variable is reported in one go.
    { when: () => true },
  );

/** What the process environment may hold; every variable optional. */
export type RawEnv = Partial<Record<keyof z.input<typeof envSchema>, string>> &
  Record<string, string | undefined>;

/** The environment after parsing and defaults, before it is shaped into `Config`. */
export type ParsedEnv = z.output<typeof envSchema>;
