/**
 * The operator scenario end to end: servers and `user-sync all` as separate processes, data seeded stale,
 * then a backfill (`resync --all`), once the queues are idle again a burst of renames, then renames at a
 * steady rate, each timed to its last copy; `all` is stopped with SIGTERM and its exit code kept. The
 * backfill goes first so the copies can start stale before `all` does (nothing writes them behind a
 * running listener's back) and the burst starts from the steady state a deployment would be in.
 * Everything started is registered with `releasers`.
 */
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../src/config/load-config';
import { RedisServerMissing } from '../src/dev/start-redis-server';
import type { Releasers } from '../src/lifecycle/releasers';
import { measureBackfill, type BackfillResult } from './operator-backfill';
import { measureBurst, type BurstResult } from './operator-burst';
import { readServiceCounters, waitForIdleQueues, type ServiceCounters } from './operator-metrics';
import type { Exit } from './operator-process';
import { ORDERS_PER_USER, seedOperatorData, TASKS_PER_ORDER } from './operator-seed';
import { startAll, startOperatorStack } from './operator-stack';
import {
  measureReassignment,
  measureTaskInsert,
  type ReassignmentResult,
  type TaskInsertResult,
} from './operator-references';
import { measureSteady, type SteadyResult } from './operator-steady';
import { measureVerify, type VerifyResult } from './operator-verify';
import { REPO_ROOT } from './repo-root';
import { round } from './stats';
import { createSyncIndexes } from './sync-database';

export interface OperatorOptions {
  /** Users renamed in the burst. */
  burst: number;
  /** Users resynced by the backfill: the users seeded (at least `burst`). */
  backfill: number;
  /** Seconds of renames at 50/s after the burst, each timed to its last copy; 0 skips the phase. */
  steadySeconds: number;
  /** Orders reassigned at 20/s (SPEC §2b), each timed to its copy; 0 skips. @defaultValue 200 */
  reassignments?: number;
  /** Tasks inserted at once, bare, each timed to its copy; 0 skips. @defaultValue 10,000 */
  bulkTasks?: number;
  /** The user-sync CLI to run, e.g. dist/src/cli/bin.js. */
  cli: string;
  /** Per phase; by default a minute plus 25 ms per change or user, room for a rate of 40/s. */
  timeoutMs?: number;
}

export interface OperatorResult {
  backends: { mongo: string; redis: string };
  users: number;
  ordersPerUser: number;
  tasksPerOrder: number;
  seedMs: number;
  /** Spawn to /readyz 200. */
  readyMs: number;
  backfill: BackfillResult;
  /** How long the backfill's leftover jobs took to drain before the burst; undefined: not seen. */
  drainMs: number | undefined;
  burst: BurstResult;
  /** Undefined when skipped (`steadySeconds` 0). */
  steady: SteadyResult | undefined;
  /** `verify --json` over the converged database, before the §2b phases add to it. */
  verify: VerifyResult;
  /** SPEC §2b phases; undefined when skipped. */
  reassignment?: ReassignmentResult;
  taskInsert?: TaskInsertResult;
  /** /metrics of `all` at the end. */
  service: ServiceCounters;
  /** `all` after SIGTERM: 0 is a clean shutdown. */
  allExit: Exit;
}

const DRAIN_TIMEOUT_MS = 600_000;

export async function measureOperatorScenario(
  options: OperatorOptions,
  releasers: Releasers,
  progress: (message: string) => void,
): Promise<OperatorResult> {
  const users = Math.max(options.burst, options.backfill);
  const timeout = (units: number) => options.timeoutMs ?? 60_000 + 25 * units;
  const stack = await startOperatorStack(options.cli, releasers);
  progress(`operator: MongoDB ${stack.backends.mongo}; Redis ${stack.backends.redis}`);
  const client = await MongoClient.connect(stack.mongoUrl);
  releasers.add('bench client', () => client.close());
  const db = client.db(stack.databaseName);

  progress(
    `operator: seeding ${users} users, ${users * ORDERS_PER_USER} orders and as many tasks, copies stale`,
  );
  let started = performance.now();
  await createSyncIndexes(stack.mongoUrl, loadConfig({ MONGO_URL: stack.mongoUrl, LOG_LEVEL: 'silent' }));
  const userIds = await seedOperatorData(db, users);
  const seedMs = performance.now() - started;

  started = performance.now();
  const service = await startAll(stack, releasers);
  const readyMs = performance.now() - started;
  progress(`operator: user-sync all ready after ${round(readyMs)} ms; backfill of ${users} users`);
  const backfill = await measureBackfill(
    db,
    stack,
    { users, serviceUrl: service.url, servicePid: service.process.child.pid, timeoutMs: timeout(users) },
    releasers,
    progress,
  );

  // A backfill that did not converge would not drain either: the burst then runs behind it, as reported.
  const drainMs =
    backfill.convergence.convergedMs === undefined
      ? undefined
      : await waitForIdleQueues(service.url, DRAIN_TIMEOUT_MS);
  progress(`operator: burst of ${options.burst} renames`);
  const burst = await measureBurst(
    db,
    userIds,
    { changes: options.burst, serviceUrl: service.url, timeoutMs: timeout(options.burst) },
    progress,
  );
  // The steady phase starts from idle queues, and the counters below include the last no-op jobs.
  await waitForIdleQueues(service.url, 30_000);
  let steady: SteadyResult | undefined;
  if (options.steadySeconds > 0) {
    steady = await measureSteady(db, userIds, { seconds: options.steadySeconds }, progress);
    await waitForIdleQueues(service.url, 30_000);
  }
  progress(`operator: verify over ${users * ORDERS_PER_USER} orders and as many tasks`);
  const verify = await measureVerify(stack, releasers, progress);
  const reassignments = options.reassignments ?? 200;
  const reassignment =
    reassignments > 0
      ? await measureReassignment(db, userIds, { count: reassignments }, progress)
      : undefined;
  await waitForIdleQueues(service.url, 30_000);
  const bulkTasks = options.bulkTasks ?? 10_000;
  const taskInsert =
    bulkTasks > 0
      ? await measureTaskInsert(db, { tasks: bulkTasks, timeoutMs: timeout(bulkTasks) }, progress)
      : undefined;
  await waitForIdleQueues(service.url, 30_000);
  const counters = await readServiceCounters(service.url);
  const allExit = await service.process.stop();
  return {
    backends: stack.backends,
    users,
    ordersPerUser: ORDERS_PER_USER,
    tasksPerOrder: TASKS_PER_ORDER,
    seedMs: round(seedMs),
    readyMs: round(readyMs),
    backfill,
    drainMs: drainMs === undefined ? undefined : round(drainMs),
    burst,
    steady,
    verify,
    reassignment,
    taskInsert,
    service: counters,
    allExit,
  };
}

/** `npm run bench`'s section: runs the CLI compiled next to the benchmark; without Redis, says so. */
export async function measureOperatorSection(
  sizes: Pick<OperatorOptions, 'burst' | 'backfill' | 'steadySeconds' | 'reassignments' | 'bulkTasks'>,
  releasers: Releasers,
  progress: (message: string) => void,
): Promise<OperatorResult | { skipped: string }> {
  const cli = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');
  try {
    return await measureOperatorScenario({ ...sizes, cli }, releasers, progress);
  } catch (error) {
    if (!(error instanceof RedisServerMissing)) throw error;
    progress(`operator view skipped: ${error.message}`);
    return { skipped: error.message };
  } finally {
    await releasers.release();
  }
}
