/**
 * The second pass of cost-profile.ts: the service split into `listener` and one `worker --queues Q` per
 * sync queue, each process behind its own latency proxies, so every MongoDB command and Redis round trip is
 * counted against the process (and so the job) that sent it, with no connection shared between jobs.
 */
import type { Db, ObjectId } from 'mongodb';
import type { Releasers } from '../src/lifecycle/releasers';
import { SYNC_QUEUES } from '../src/queues/queue-names';
import { countsDelta, dataCommands, MONITORING_COMMANDS } from './mongo-wire-tap';
import { zeroCost, type CostMeter } from './operator-cost';
import { measureSingleChanges, type SingleResult } from './operator-single';
import { startRole, type OperatorStack } from './operator-stack';
import { startProxies, type ProxyStats } from './proxy-client';
import { redisWireDelta } from './redis-wire-tap';
import { round } from './stats';

/** One process's cost per change, idle background taken off. */
export interface RoleProfile {
  role: string;
  mongoCommands: number;
  mongoByTarget: Record<string, number>;
  redisCommands: number;
  redisRoundTrips: number;
  redisByName: Record<string, number>;
  roundTripsByOpener: Record<string, number>;
}

export interface SplitOptions {
  changes: number;
  rttMs: number;
  /** Service settings on top of the defaults. */
  env: Record<string, string>;
  idleMs: number;
}

export async function profileSplit(
  stack: OperatorStack,
  db: Db,
  [warm, userIds]: [ObjectId, ObjectId[]],
  meter: CostMeter,
  options: SplitOptions,
  releasers: Releasers,
  progress: (message: string) => void,
): Promise<RoleProfile[]> {
  const roles: { role: string; args: string[] }[] = [
    { role: 'listener', args: ['listener'] },
    ...SYNC_QUEUES.map(queue => ({ role: queue, args: ['worker', '--queues', queue] })),
  ];
  const running = await Promise.all(
    roles.map(async ({ role, args }) => {
      const proxies = await startProxies(stack.mongoUrl, stack.redisUrl, options.rttMs, releasers);
      const service = await startRole(
        stack,
        args,
        { ...options.env, MONGO_URL: proxies.mongoUrl, REDIS_URL: proxies.redisUrl },
        releasers,
      );
      return { role, proxies, service };
    }),
  );
  await warmUp(db, warm, meter, options.rttMs);
  const stats = () => Promise.all(running.map(({ proxies }) => proxies.stats()));
  const idleBefore = await stats();
  const idleStart = performance.now();
  await new Promise(resolve => setTimeout(resolve, options.idleMs));
  const idleAfter = await stats();
  const idleSeconds = (performance.now() - idleStart) / 1000;
  const before = await stats();
  const started = performance.now();
  // The meter's own figures are for `all`'s proxies (idle now): only the renames and the timing matter here.
  await measureSingleChanges(
    db,
    userIds,
    meter,
    { changes: options.changes, rttMs: options.rttMs, idle: zeroCost() },
    progress,
  );
  const after = await stats();
  const scale = (performance.now() - started) / 1000 / idleSeconds;
  return running.map(({ role }, i) =>
    roleProfile(role, before[i], after[i], idleBefore[i], idleAfter[i], scale, options.changes),
  );
}

/**
 * One rename before a pass: a process's first job loads scripts and opens queues, which no later change
 * repeats.
 */
export function warmUp(db: Db, user: ObjectId, meter: CostMeter, rttMs: number): Promise<SingleResult> {
  return measureSingleChanges(db, [user], meter, { changes: 1, rttMs, idle: zeroCost() }, () => undefined);
}

function roleProfile(
  role: string,
  before: ProxyStats,
  after: ProxyStats,
  idleBefore: ProxyStats,
  idleAfter: ProxyStats,
  scale: number,
  changes: number,
): RoleProfile {
  const mongo = countsDelta(after.mongo, before.mongo);
  const idleMongo = countsDelta(idleAfter.mongo, idleBefore.mongo);
  const redis = redisWireDelta(after.redis, before.redis);
  const idleRedis = redisWireDelta(idleAfter.redis, idleBefore.redis);
  const net = (value: number, background: number) => round((value - background * scale) / changes);
  const netMap = (values: Record<string, number>, background: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(values)
        .map(([key, value]) => [key, net(value, background[key] ?? 0)] as const)
        .filter(([key, value]) => Math.abs(value) >= 0.1 && !MONITORING_COMMANDS.has(key.split(' ')[0])),
    );
  return {
    role,
    mongoCommands: net(dataCommands(mongo), dataCommands(idleMongo)),
    mongoByTarget: netMap(mongo.byTarget, idleMongo.byTarget),
    redisCommands: net(redis.commands, idleRedis.commands),
    redisRoundTrips: net(redis.roundTrips, idleRedis.roundTrips),
    redisByName: netMap(redis.byName, idleRedis.byName),
    roundTripsByOpener: netMap(redis.roundTripsByOpener, idleRedis.roundTripsByOpener),
  };
}
