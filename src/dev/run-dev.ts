/**
 * `user-sync dev`: the whole service on one machine with nothing to configure. MongoDB is MONGO_URL or
 * the embedded emulator, Redis is REDIS_URL or a redis-server started for the run; sample data is loaded,
 * listener, worker and dashboard run in this process, and the dashboard URL and credentials are printed.
 * A server that does not answer yet (REDIS_URL of a Redis still starting) is waited for, as the roles do,
 * with the HTTP endpoints up and a banner that says what dev waits for.
 * Everything started here is released on Ctrl-C, the servers last.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { RawEnv } from '../config/env-schema';
import { loadConfig } from '../config/load-config';
import { handleShutdownSignals } from '../lifecycle/handle-shutdown-signals';
import { Releasers } from '../lifecycle/releasers';
import { watchParent } from '../lifecycle/watch-parent';
import { createLogger, type Logger } from '../logging/create-logger';
import { scrubUrlCredentials } from '../logging/scrub-url-credentials';
import { withDatabase } from '../config/mongo-url';
import { userSyncCommand } from '../cli/invocation';
import { openProbeServer } from '../http/start-probe-server';
import { DependencyStatus } from '../roles/dependency-status';
import { openServiceDependencies } from '../roles/service-dependencies';
import { startAllRoles } from '../roles/start-all-roles';
import type { CliContext } from '../cli/cli-context';
import { announceWaiting } from './announce-waiting';
import { devBanner } from './dev-banner';
import { loadMongoEmulator } from './load-mongo-emulator';
import { loadSampleData, sampleClerkPersonas, sampleSimulatedUserIds } from './sample-data';
import { simulateClerk } from './simulate-clerk';
import { CLERK_WEBHOOK_PATH } from '../webhooks/start-webhook-server';
import { simulateChanges } from './simulate-changes';
import { startRedisServer } from './start-redis-server';

export interface DevOptions {
  /** Keep changing sample users. */
  simulate: boolean;
  simulateEveryMs: number;
  /** Keep sending signed Clerk events to the webhook endpoint. */
  simulateClerk: boolean;
}

/** The database `dev` uses on the embedded emulator. */
export const DEV_DATABASE = 'user-sync';
export const DEV_DASHBOARD_USER = 'admin';

/** Resolves only when startup fails (with 1); afterwards the shutdown handler ends the process. */
export async function runDev(options: DevOptions, context: CliContext): Promise<number> {
  const given = loadConfig(context.env);
  const logger = createLogger({
    ...given,
    logPretty: set(context.env.LOG_PRETTY) ? given.logPretty : true,
    // stdout carries the banner; logs go to stderr.
    destination: pino.destination({ dest: 2, sync: true }),
  }).child({ role: 'dev' });
  const releasers = new Releasers(logger);
  const shutdown = handleShutdownSignals({ releasers, logger, timeoutMs: given.shutdownTimeoutMs });
  releasers.add(
    'parent watch',
    watchParent(() => void shutdown.shutdown('the parent process exited (npm was sent SIGTERM?)')),
  );
  try {
    const mongo = await devMongo(context.env, releasers, logger);
    const redis = await devRedis(context.env, releasers);
    const credentials = given.dashboard.authDisabled
      ? undefined
      : {
          user: given.dashboard.user ?? DEV_DASHBOARD_USER,
          password: given.dashboard.password ?? randomBytes(12).toString('base64url'),
        };
    const env: RawEnv = {
      ...context.env,
      MONGO_URL: mongo.url,
      ...(redis.url === undefined ? {} : { REDIS_URL: redis.url }),
      // Only this machine can reach a dev dashboard unless HOST says otherwise.
      HOST: set(context.env.HOST) ? context.env.HOST : '127.0.0.1',
      ...(credentials ? { DASHBOARD_USER: credentials.user, DASHBOARD_PASSWORD: credentials.password } : {}),
      // The webhook endpoint always runs in dev, with a secret made for the run unless one is given.
      CLERK_WEBHOOK_SECRET: given.identity.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`,
      // A dev stack on a free port (PORT=0, as tests run it) takes a free one for its webhook too.
      WEBHOOK_PORT: set(context.env.WEBHOOK_PORT)
        ? context.env.WEBHOOK_PORT
        : context.env.PORT?.trim() === '0'
          ? '0'
          : '3001',
    };
    const config = loadConfig(env);
    // The HTTP server opens before the servers are waited for, as every role's does: a newcomer whose
    // Redis is not up yet sees where dev is and what it waits for, instead of one log line and silence.
    const status = new DependencyStatus();
    const http = await openProbeServer({
      role: 'dev',
      config,
      logger,
      releasers,
      dashboard: true,
      booting: status,
    });
    const addresses = {
      dashboardUrl: http.url,
      credentials,
      mongo: { url: scrubUrlCredentials(mongo.url), source: mongo.source },
      redis: { url: config.redis.address, source: redis.source },
    };
    const waiting = announceWaiting(status, addresses, text => context.stdout.write(text));
    const deps = await openServiceDependencies(config, logger, releasers, 'dev', { status });
    waiting.stop();
    const sample = await loadSampleData(deps.collections);
    const { listener, webhooks } = await startAllRoles(deps, releasers, 'dev', http);
    const webhookUrl = `${webhooks?.url ?? ''}${CLERK_WEBHOOK_PATH}`;
    // The listener starts from "now" (a fresh Redis has no checkpoint): a change made before its stream
    // is open would never be seen, so nothing is simulated, or announced, before that.
    await waitForStream(listener.stats);
    if (options.simulate) {
      const simulation = simulateChanges({
        users: deps.collections.users,
        userIds: sampleSimulatedUserIds(),
        intervalMs: options.simulateEveryMs,
        logger,
      });
      releasers.add('simulation', () => simulation.stop());
    }
    if (options.simulateClerk) {
      const clerk = simulateClerk({
        webhookUrl,
        secret: config.identity.webhookSecret ?? '',
        personas: sampleClerkPersonas(),
        intervalMs: options.simulateEveryMs,
        logger,
      });
      releasers.add('clerk simulation', () => clerk.stop());
    }
    context.stdout.write(
      devBanner({
        ...addresses,
        sample,
        simulateEveryMs: options.simulate ? options.simulateEveryMs : undefined,
        webhook: {
          url: webhookUrl,
          secret: config.identity.webhookSecret ?? '',
          simulatedEveryMs: options.simulateClerk ? options.simulateEveryMs : undefined,
        },
        // What a second terminal needs to run commands against this stack: the servers dev chose (those
        // the user set are in their environment already, credentials and all).
        cliExports: [
          ...(set(context.env.MONGO_URL) ? [] : [`MONGO_URL='${mongo.url}'`]),
          ...(redis.url === undefined || set(context.env.REDIS_URL) ? [] : [`REDIS_URL='${redis.url}'`]),
        ],
        cliExample: userSyncCommand('verify'),
      }),
    );
  } catch (error) {
    context.stderr.write(`user-sync dev: ${error instanceof Error ? error.message : String(error)}\n`);
    logger.debug({ err: error }, 'dev failed to start');
    await releasers.release().catch(() => undefined);
    return 1;
  }
  return new Promise<number>(() => {});
}

async function devMongo(env: RawEnv, releasers: Releasers, logger: Logger) {
  if (set(env.MONGO_URL)) return { url: env.MONGO_URL as string, source: 'MONGO_URL' };
  // Loaded here only: no production command ever loads the emulator, and the production image lacks it.
  const { startMongoEmulator } = await loadMongoEmulator();
  const emulator = await startMongoEmulator({
    port: 0,
    logger: logger.child({ component: 'mongo-emulator' }),
  });
  releasers.add('mongo-emulator', () => emulator.stop());
  return { url: withDatabase(emulator.uri, DEV_DATABASE), source: 'embedded emulator' };
}

async function devRedis(env: RawEnv, releasers: Releasers): Promise<{ url?: string; source: string }> {
  if (set(env.REDIS_URL)) return { url: env.REDIS_URL as string, source: 'REDIS_URL' };
  if (set(env.REDIS_CLUSTER_NODES)) return { source: 'REDIS_CLUSTER_NODES' };
  if (set(env.REDIS_SENTINELS)) return { source: 'REDIS_SENTINELS' };
  const redis = await startRedisServer();
  releasers.add('redis-server', () => redis.stop());
  return { url: redis.url, source: `redis-server started for this run, pid ${redis.pid}` };
}

async function waitForStream(stats: { streamOpen: boolean }, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stats.streamOpen) {
    if (Date.now() > deadline) throw new Error(`the change stream did not open within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** Config treats empty variables as unset; so does dev. */
function set(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
