/**
 * Redis memory at the default retention (SPEC §4: bounded in bytes, not only in job counts; target
 * ≤ 64 MiB): INFO's used_memory after (a) user changes in bursts and (b) single changes at a steady rate.
 * Each scenario gets a stack of its own (operator-stack.ts: mongo-emulator, a fresh redis-server and
 * `user-sync all` with default settings, each its own process), so neither inherits the other's keys.
 *
 * The target sizes, 1,000,000 changes in bursts and 100,000 at 50/s (33 minutes), are
 * BENCH_REDIS_MEMORY=full. By default both run smaller, but well past the point where every retention cap
 * binds (RETAIN_COMPLETED_JOBS per queue, RETAIN_EVENTS per event stream): from there memory holds steady,
 * so the report says when the caps bound, the growth per change measured after that, and the full size
 * extrapolated from it, labelled as an extrapolation.
 */
import { Redis } from 'ioredis';
import { MongoClient, type Db, type ObjectId } from 'mongodb';
import { loadConfig } from '../src/config/load-config';
import { Releasers } from '../src/lifecycle/releasers';
import { readServiceCounters, type ServiceCounters } from './operator-metrics';
import type { Exit } from './operator-process';
import { COLLECTIONS, seedOperatorData } from './operator-seed';
import { startAll, startOperatorStack, type OperatorStack } from './operator-stack';
import {
  readMemoryInfo,
  readQueueCaps,
  sampleUsedMemory,
  takeCensus,
  type Census,
  type MemoryInfo,
  type QueueCaps,
} from './redis-census';
import { round } from './stats';
import { createSyncIndexes } from './sync-database';

export interface RedisMemorySizes {
  /** Changes in all, in bursts of `users`: each burst renames every seeded user once. */
  burstChanges: number;
  /** Single changes, one every 1/ratePerSec s, cycling through the users. */
  steadyChanges: number;
  ratePerSec: number;
  /** Users seeded (each on 3 orders with a task each, as in the operator scenario). */
  users: number;
}

export const REDIS_MEMORY_SIZES: Record<'full' | 'default' | 'quick', RedisMemorySizes> = {
  full: { burstChanges: 1_000_000, steadyChanges: 100_000, ratePerSec: 50, users: 10_000 },
  // The caps bind after about 70,000 changes in bursts and 500 at 50/s: enough readings after that to
  // tell flat from growing, in about 4 minutes.
  default: { burstChanges: 150_000, steadyChanges: 3_000, ratePerSec: 50, users: 10_000 },
  quick: { burstChanges: 2_000, steadyChanges: 250, ratePerSec: 50, users: 500 },
};

/** The target, for both scenarios. */
export const REDIS_MEMORY_TARGET_MIB = 64;

export interface MemoryPoint {
  changes: number;
  usedMemory: number;
}

export interface ScenarioResult {
  scenario: 'bursts' | 'steady';
  changes: number;
  /** The target size, which `extrapolated` is for. */
  fullChanges: number;
  seconds: number;
  /** used_memory with `all` running, before the first change. */
  baseline: number;
  /** Once every change was processed and no job is pending. */
  final: MemoryInfo;
  /** Highest used_memory during the run (the server's own peak on a server started for it). */
  peak: number;
  timeline: MemoryPoint[];
  /** Changes after which every queue that ran jobs kept RETAIN_COMPLETED_JOBS and RETAIN_EVENTS. */
  capsBoundAt: number | undefined;
  /** Least squares over the timeline from `capsBoundAt` on; undefined with fewer than 3 points there. */
  bytesPerChangeAfterCaps: number | undefined;
  /** used_memory at `fullChanges` if that growth went on (0 growth when it was negative). */
  extrapolated: number | undefined;
  census: Census;
  service: ServiceCounters;
  allExit: Exit;
}

export interface RedisMemoryResult {
  sizes: RedisMemorySizes;
  backends: { mongo: string; redis: string };
  retention: { completedJobs: number; events: number };
  bursts: ScenarioResult;
  steady: ScenarioResult;
}

const FULL = REDIS_MEMORY_SIZES.full;
const DEFAULTS = loadConfig({ MONGO_URL: 'mongodb://127.0.0.1/bench', LOG_LEVEL: 'silent' }).retention;

type Progress = (message: string) => void;

export async function measureRedisMemory(
  sizes: RedisMemorySizes,
  cli: string,
  releasers: Releasers,
  progress: Progress,
): Promise<RedisMemoryResult> {
  let backends = { mongo: '', redis: '' };
  const run = async (
    scenario: ScenarioResult['scenario'],
    drive: (context: ScenarioContext) => Promise<void>,
  ): Promise<ScenarioResult> => {
    // Its own releasers, released when it ends: the next scenario starts from an empty Redis.
    const own = new Releasers();
    releasers.add(`redis memory: ${scenario}`, () => own.release());
    try {
      const stack = await startOperatorStack(cli, own);
      backends = stack.backends;
      return await runScenario(scenario, stack, sizes, own, drive, progress);
    } finally {
      await own.release();
    }
  };
  const bursts = await run('bursts', context => driveBursts(context, sizes.burstChanges));
  const steady = await run('steady', context => driveSteady(context, sizes.steadyChanges, sizes.ratePerSec));
  return {
    sizes,
    backends,
    retention: { completedJobs: DEFAULTS.completedJobs, events: DEFAULTS.events },
    bursts,
    steady,
  };
}

interface ScenarioContext {
  db: Db;
  userIds: ObjectId[];
  /** Reads used_memory and the caps now, as having processed `changes`. */
  record(changes: number): Promise<void>;
  /** Until the listener has seen `changes` events and no sync job is pending. */
  quiet(changes: number, timeoutMs: number): Promise<void>;
  progress: Progress;
}

async function runScenario(
  scenario: ScenarioResult['scenario'],
  stack: OperatorStack,
  sizes: RedisMemorySizes,
  releasers: Releasers,
  drive: (context: ScenarioContext) => Promise<void>,
  progress: Progress,
): Promise<ScenarioResult> {
  const say = (message: string) => progress(`redis memory, ${scenario}: ${message}`);
  const client = await MongoClient.connect(stack.mongoUrl);
  releasers.add('bench client', () => client.close());
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 3 });
  releasers.add('bench redis client', () => void redis.disconnect());
  const db = client.db(stack.databaseName);
  await createSyncIndexes(stack.mongoUrl, loadConfig({ MONGO_URL: stack.mongoUrl, LOG_LEVEL: 'silent' }));
  say(`seeding ${sizes.users} users`);
  const userIds = await seedOperatorData(db, sizes.users);
  const service = await startAll(stack, releasers);
  const baseline = (await readMemoryInfo(redis)).usedMemory;
  const eventsAtStart = await eventsSeen(service.url);
  const sampler = sampleUsedMemory(redis);

  const timeline: MemoryPoint[] = [];
  let capsBoundAt: number | undefined;
  const started = performance.now();
  await drive({
    db,
    userIds,
    progress: say,
    record: async changes => {
      const [info, caps] = await Promise.all([
        readMemoryInfo(redis),
        readQueueCaps(redis, stack.queuePrefix),
      ]);
      timeline.push({ changes, usedMemory: info.usedMemory });
      if (capsBoundAt === undefined && capsBind(caps)) capsBoundAt = changes;
    },
    quiet: (changes, timeoutMs) => waitForQuiet(service.url, eventsAtStart + changes, timeoutMs),
  });
  const seconds = (performance.now() - started) / 1000;
  const final = await readMemoryInfo(redis);
  const sampledPeak = await sampler.stop();
  say('census of the keys');
  const census = await takeCensus(redis, stack.queuePrefix);
  const counters = await readServiceCounters(service.url);
  const allExit = await service.process.stop();

  const changes = timeline.at(-1)?.changes ?? 0;
  const fullChanges = scenario === 'bursts' ? FULL.burstChanges : FULL.steadyChanges;
  const after = timeline.filter(point => capsBoundAt !== undefined && point.changes >= capsBoundAt);
  const slope = after.length >= 3 ? leastSquaresSlope(after) : undefined;
  return {
    scenario,
    changes,
    fullChanges,
    seconds: round(seconds),
    baseline,
    final,
    // A server started for this scenario knows its own peak, spikes between two samples included.
    peak: process.env.REDIS_URL?.trim() ? sampledPeak : Math.max(sampledPeak, final.usedMemoryPeak),
    timeline,
    capsBoundAt,
    bytesPerChangeAfterCaps: slope === undefined ? undefined : round(slope),
    extrapolated:
      slope === undefined
        ? undefined
        : Math.round(final.usedMemory + Math.max(0, slope) * Math.max(0, fullChanges - changes)),
    census,
    service: counters,
    allExit,
  };
}

/** Rounds of `userIds.length` renames, one client writing as fast as it can, each round let drain. */
async function driveBursts(context: ScenarioContext, total: number): Promise<void> {
  const users = context.db.collection(COLLECTIONS.users);
  const perBurst = context.userIds.length;
  let done = 0;
  for (let burst = 0; done < total; burst += 1) {
    const size = Math.min(perBurst, total - done);
    for (let start = 0; start < size; start += 1000) {
      await users.bulkWrite(
        context.userIds.slice(start, Math.min(size, start + 1000)).map((_id, i) => ({
          updateOne: { filter: { _id }, update: { $set: { name: `Burst ${burst} ${start + i}` } } },
        })),
        { ordered: false },
      );
    }
    done += size;
    await context.quiet(done, 120_000 + 25 * size);
    await context.record(done);
    context.progress(`${done} of ${total} changes processed`);
  }
}

/** How often the steady scenario reads used_memory while it runs. */
const RECORD_EVERY_MS = 10_000;

/** One rename every 1/rate s on an absolute schedule, cycling through the users. */
async function driveSteady(context: ScenarioContext, total: number, rate: number): Promise<void> {
  const users = context.db.collection(COLLECTIONS.users);
  // Not awaited one by one: a slow write must not lower the rate offered.
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const start = performance.now();
  let nextRecordMs = RECORD_EVERY_MS;
  for (let k = 0; k < total && failure === undefined; k += 1) {
    const wait = start + (k * 1000) / rate - performance.now();
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    const write: Promise<void> = users
      .updateOne({ _id: context.userIds[k % context.userIds.length] }, { $set: { name: `Steady ${k}` } })
      .then(
        () => void pending.delete(write),
        (error: unknown) => {
          failure ??= error;
          pending.delete(write);
        },
      );
    pending.add(write);
    if (performance.now() - start >= nextRecordMs) {
      nextRecordMs += RECORD_EVERY_MS;
      await context.record(k + 1);
      if (nextRecordMs % 60_000 === 0) context.progress(`${k + 1} of ${total} changes sent`);
    }
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  await context.quiet(total, 120_000);
  await context.record(total);
}

/** Whether every queue that ran jobs keeps as many completed jobs and events as retention allows. */
function capsBind(caps: readonly QueueCaps[]): boolean {
  const used = caps.filter(cap => cap.completed > 0);
  return (
    used.length > 0 &&
    used.every(cap => cap.completed >= DEFAULTS.completedJobs && cap.events >= DEFAULTS.events)
  );
}

async function eventsSeen(serviceUrl: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  return [...text.matchAll(/^user_sync_listener_events_seen_total(?:\{[^}]*\})?\s+(\S+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

/** Twice in a row, since /metrics reads queue by queue: a job moving on between two reads hides once. */
async function waitForQuiet(serviceUrl: string, events: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quietReads = 0;
  while (quietReads < 2) {
    if (performance.now() > deadline)
      throw new Error(`the service did not go quiet within ${timeoutMs} ms (${events} events expected)`);
    await new Promise(resolve => setTimeout(resolve, 250));
    const [seen, { pending }] = await Promise.all([eventsSeen(serviceUrl), readServiceCounters(serviceUrl)]);
    quietReads = seen >= events && pending === 0 ? quietReads + 1 : 0;
  }
}

function leastSquaresSlope(points: readonly MemoryPoint[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.changes, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.usedMemory, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.changes - meanX) * (point.usedMemory - meanY);
    variance += (point.changes - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}
