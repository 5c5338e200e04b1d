/**
 * The environment as zod sees it: one field per variable, parsed and defaulted but not yet shaped into
 * `Config`. Defaults live here, next to the variable they belong to, and nowhere else.
 */
import { z } from 'zod';
import { scrubUrlCredentials } from '../logging/scrub-url-credentials';
import { parseMongoUrl } from './mongo-url';
import { booleanField, integerField, oneOfField, stringField } from './env-fields';
import { parseHostPort } from './host-port';

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

/** `host:port,host:port`: what REDIS_CLUSTER_NODES and REDIS_SENTINELS hold. */
function hostPortListProblem(value: string): string | undefined {
  const wrong = value.split(',').find(entry => parseHostPort(entry.trim()) === undefined);
  return wrong === undefined
    ? undefined
    : `must be host:port pairs separated by commas ("${wrong.trim()}" is not one)`;
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

/** One topology at a time, each with what it needs. */
function redisTopologyProblems(env: {
  REDIS_URL?: unknown;
  REDIS_CLUSTER_NODES?: unknown;
  REDIS_SENTINELS?: unknown;
  REDIS_SENTINEL_MASTER?: unknown;
}): { path: string; message: string }[] {
  const set = (value: unknown) => typeof value === 'string';
  const problems: { path: string; message: string }[] = [];
  if (set(env.REDIS_CLUSTER_NODES) && set(env.REDIS_SENTINELS))
    problems.push({ path: 'REDIS_SENTINELS', message: 'must not be set together with REDIS_CLUSTER_NODES' });
  for (const other of ['REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const)
    if (set(env.REDIS_URL) && set(env[other]))
      problems.push({ path: 'REDIS_URL', message: `must not be set together with ${other}: set one` });
  if (set(env.REDIS_SENTINELS) !== set(env.REDIS_SENTINEL_MASTER)) {
    const [missing, other] = set(env.REDIS_SENTINELS)
      ? ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINELS']
      : ['REDIS_SENTINELS', 'REDIS_SENTINEL_MASTER'];
    problems.push({ path: missing, message: `must be set when ${other} is set` });
  }
  return problems;
}

/** Clerk's signing secret as its dashboard shows it: `whsec_` and the base64 key. */
function webhookSecretProblem(value: string): string | undefined {
  const key = value.startsWith('whsec_') ? value.slice('whsec_'.length) : undefined;
  if (key === undefined) return 'must be the signing secret Clerk shows, starting with whsec_';
  return /^[A-Za-z0-9+/]{16,}={0,2}$/.test(key) ? undefined : 'must be whsec_ followed by a base64 key';
}

function clerkSecretKeyProblem(value: string): string | undefined {
  return /^sk_(live|test)_\S+$/.test(value)
    ? undefined
    : 'must be a Clerk secret key (sk_live_... or sk_test_...)';
}

function httpUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'must be an http(s) URL';
  } catch {
    return 'must be an http(s) URL';
  }
}

export const DEFAULT_CLERK_API_URL = 'https://api.clerk.com/v1';

const collectionField = (fallback: string) => stringField(fallback, collectionNameProblem);

export const envSchema = z
  .object({
    MONGO_URL: stringField(DEFAULT_MONGO_URL, mongoUrlProblem, scrubUrlCredentials),
    // No default here: whether it was set decides whether it conflicts with the other topologies.
    REDIS_URL: stringField(undefined, redisUrlProblem, scrubUrlCredentials),
    REDIS_CLUSTER_NODES: stringField(undefined, hostPortListProblem),
    REDIS_SENTINELS: stringField(undefined, hostPortListProblem),
    REDIS_SENTINEL_MASTER: stringField(undefined, noWhitespace),
    REDIS_USERNAME: stringField(undefined),
    REDIS_PASSWORD: stringField(undefined, undefined, () => '***'),
    REDIS_TLS: booleanField(false),
    REDIS_TLS_CA_FILE: stringField(undefined),
    RETAIN_COMPLETED_SECONDS: integerField(3600, { min: 0 }),
    RETAIN_COMPLETED_JOBS: integerField(100, { min: 0 }),
    RETAIN_FAILED_SECONDS: integerField(7 * 24 * 3600, { min: 0 }),
    RETAIN_FAILED_JOBS: integerField(100, { min: 0 }),
    RETAIN_EVENTS: integerField(1000, { min: 10 }),
    RETAIN_DEAD_LETTER_DAYS: integerField(30, { min: 1 }),
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
    CLERK_WEBHOOK_SECRET: stringField(undefined, webhookSecretProblem, () => 'whsec_***'),
    WEBHOOK_PORT: integerField(3001, { min: 0, max: 65535 }),
    CLERK_SECRET_KEY: stringField(undefined, clerkSecretKeyProblem, () => 'sk_***'),
    CLERK_API_URL: stringField(DEFAULT_CLERK_API_URL, httpUrlProblem),
    IDENTITY_SYNC: booleanField(false),
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
      redisTopologyProblems(env).forEach(({ path, message }) =>
        ctx.addIssue({ code: 'custom', path: [path], message }),
      );
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
