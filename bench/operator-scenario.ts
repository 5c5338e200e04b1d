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
import { CostMeter, type Cost } from './operator-cost';
import { readServiceCounters, waitForIdleQueues, type ServiceCounters } from './operator-metrics';
import { measureScrapeCost, withPhaseCost, type CostContext, type PhaseCost } from './operator-phase-cost';
import type { Exit } from './operator-process';
import { ORDERS_PER_USER, seedOperatorData, TASKS_PER_ORDER } from './operator-seed';
import { startAll, startOperatorStack } from './operator-stack';
import {
  measureReassignment,
  measureTaskInsert,
  type ReassignmentResult,
  type TaskInsertResult,
} from './operator-references';
import { measureSingleChanges, type SingleResult } from './operator-single';
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
  /**
   * Round trip the latency proxies add between the service and both servers (bench/latency-proxy.ts); they
   * also count what crosses, for the cost per change. Undefined: no proxies, no cost figures.
   */
  rttMs?: number;
  /** Renames timed and counted one at a time, with proxies only; 0 skips. @defaultValue 20 */
  singleChanges?: number;
}

/** What each phase cost the servers; only with the latency proxies. */
export interface OperatorCosts {
  rttMs: number;
  /** Median Redis PING through the proxy before the run: the round trip actually added, plus loopback. */
  measuredRttMs: number;
  /** Background per second of the idle service, taken off every figure below. */
  idle: Cost;
  /** One read of /metrics (the benchmark polls it while waiting), also taken off. */
  scrape: Cost;
  single: SingleResult | undefined;
  backfill: PhaseCost;
  burst: PhaseCost;
  steady: PhaseCost | undefined;
  /** Bytes through each proxy over the run: proof the service's traffic went through them. */
  bytes: { mongo: { request: number; reply: number }; redis: { request: number; reply: number } };
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
  costs?: OperatorCosts;
}

const IDLE_SAMPLE_MS = 8_000;

const DRAIN_TIMEOUT_MS = 600_000;

export async function measureOperatorScenario(
  options: OperatorOptions,
  releasers: Releasers,
  progress: (message: string) => void,
): Promise<OperatorResult> {
  const users = Math.max(options.burst, options.backfill);
  const timeout = (units: number) => options.timeoutMs ?? 60_000 + 25 * units;
  const stack = await startOperatorStack(options.cli, releasers, options.rttMs);
  progress(
    `operator: MongoDB ${stack.backends.mongo}; Redis ${stack.backends.redis}` +
      (options.rttMs === undefined ? '' : `; service behind proxies adding ${options.rttMs} ms RTT`),
  );
  const meter =
    stack.proxies === undefined ? undefined : await CostMeter.start(stack.proxies, stack.redisUrl, releasers);
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
  progress(`operator: user-sync all ready after ${round(readyMs)} ms`);
  let costs: CostContext | undefined;
  let measuredRttMs = 0;
  if (meter !== undefined) {
    await waitForIdleQueues(service.url, 30_000);
    // Before the idle window: these PINGs cross the proxy, and no phase's counters include them.
    measuredRttMs = await meter.proxies.measureRtt();
    progress(`operator: idle background over ${IDLE_SAMPLE_MS / 1000} s`);
    const idle = await meter.idleRate(IDLE_SAMPLE_MS);
    // Every phase's waits read /metrics: each read's cost is known before the first phase, to take off.
    costs = {
      meter,
      serviceUrl: service.url,
      idle,
      scrape: await measureScrapeCost(meter, service.url, idle),
    };
  }
  const counted = <T>(units: (result: T) => number, run: () => Promise<T>) =>
    costs === undefined
      ? run().then(result => ({ result, cost: undefined }))
      : withPhaseCost(costs, units, run);
  progress(`operator: backfill of ${users} users`);
  // A backfill that did not converge would not drain either: the burst then runs behind it, as reported.
  let drainMs: number | undefined;
  const { result: backfill, cost: backfillCost } = await counted(
    () => users,
    async () => {
      const result = await measureBackfill(
        db,
        stack,
        {
          users,
          serviceUrl: service.url,
          servicePid: service.process.child.pid,
          timeoutMs: timeout(users),
        },
        releasers,
        progress,
      );
      if (result.convergence.convergedMs !== undefined)
        drainMs = await waitForIdleQueues(service.url, DRAIN_TIMEOUT_MS);
      return result;
    },
  );

  progress(`operator: burst of ${options.burst} renames`);
  const { result: burst, cost: burstCost } = await counted(
    () => options.burst,
    async () => {
      const result = await measureBurst(
        db,
        userIds,
        { changes: options.burst, serviceUrl: service.url, timeoutMs: timeout(options.burst) },
        progress,
      );
      // The counters include the last no-op jobs, and the next phase starts from idle queues.
      await waitForIdleQueues(service.url, 30_000);
      return result;
    },
  );
  const singleChanges = Math.min(options.singleChanges ?? 20, users);
  const single =
    costs === undefined || singleChanges === 0
      ? undefined
      : await measureSingleChanges(
          db,
          userIds,
          costs.meter,
          { changes: singleChanges, rttMs: options.rttMs ?? 0, idle: costs.idle },
          progress,
        );
  let steady: SteadyResult | undefined;
  let steadyCost: PhaseCost | undefined;
  if (options.steadySeconds > 0) {
    ({ result: steady, cost: steadyCost } = await counted(
      result => result.changes,
      async () => {
        const result = await measureSteady(db, userIds, { seconds: options.steadySeconds }, progress);
        await waitForIdleQueues(service.url, 30_000);
        return result;
      },
    ));
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
  const bytes = (await stack.proxies?.stats())?.bytes;
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
    costs:
      costs === undefined ||
      costs.scrape === undefined ||
      backfillCost === undefined ||
      burstCost === undefined ||
      bytes === undefined
        ? undefined
        : {
            rttMs: options.rttMs ?? 0,
            measuredRttMs,
            idle: costs.idle,
            scrape: costs.scrape,
            single,
            backfill: backfillCost,
            burst: burstCost,
            steady: steadyCost,
            bytes,
          },
  };
}

/** `npm run bench`'s section: runs the CLI compiled next to the benchmark; without Redis, says so. */
export async function measureOperatorSection(
  sizes: Pick<
    OperatorOptions,
    'burst' | 'backfill' | 'steadySeconds' | 'reassignments' | 'bulkTasks' | 'rttMs' | 'singleChanges'
  >,
  releasers: Releasers,
  progress: (message: string) => void,
): Promise<OperatorResult | { skipped: string }> {
  const cli = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');
  try {
    // The proxies at 0 ms only count: every `npm run bench` reports its cost per change.
    return await measureOperatorScenario({ ...sizes, rttMs: sizes.rttMs ?? 0, cli }, releasers, progress);
  } catch (error) {
    if (!(error instanceof RedisServerMissing)) throw error;
    progress(`operator view skipped: ${error.message}`);
    return { skipped: error.message };
  } finally {
    await releasers.release();
  }
}
