/**
 * What a phase of the operator scenario cost the servers, read at its start and its end: MongoDB commands
 * (from the proxy's wire parsing, the service's processes only), Redis calls as Redis counts them
 * (`INFO commandstats`, which includes the calls a Lua script makes inside Redis), and Redis commands and
 * round trips as the service sent them (from the proxy). The service also works while idle (BZPOPMIN
 * timeouts, stalled-job checks, the lease, change-stream getMores, monitoring hellos): `idleRate` measures
 * that, and `perUnit` takes it off in proportion to the phase's duration.
 */
import { Redis } from 'ioredis';
import type { Releasers } from '../src/lifecycle/releasers';
import { countsDelta, dataCommands, type MongoCounts } from './mongo-wire-tap';
import type { Proxies, ProxyStats } from './proxy-client';
import { redisWireDelta, type RedisWireCounts } from './redis-wire-tap';
import { round } from './stats';

export interface CostSample {
  at: number;
  proxy: ProxyStats;
  /** commandstats calls by command (`evalsha`, `zadd`, `client|setname`...). */
  redisCalls: Record<string, number>;
}

export interface Cost {
  seconds: number;
  mongo: MongoCounts;
  /** Commands other than hello/ping, which the driver sends on a timer. */
  mongoCommands: number;
  redisCalls: number;
  redisCallsByName: Record<string, number>;
  redisWire: RedisWireCounts;
}

/** A cost divided by the changes (or users) it served, after taking off what idling would have cost. */
export interface UnitCost {
  units: number;
  mongoCommands: number;
  redisCalls: number;
  redisCommands: number;
  redisRoundTrips: number;
  /** The share of the raw figures that was idle background, for the reader to judge the estimate. */
  idleShare: { mongoCommands: number; redisCalls: number; redisRoundTrips: number };
}

export class CostMeter {
  private readonly redis: Redis;

  private constructor(
    readonly proxies: Proxies,
    redisUrl: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  }

  /** `redisUrl`: the server itself, not the proxy: the meter's INFO must not count as the service's. */
  static async start(proxies: Proxies, redisUrl: string, releasers: Releasers): Promise<CostMeter> {
    const meter = new CostMeter(proxies, redisUrl);
    await meter.redis.connect();
    releasers.add('cost meter', () => meter.redis.disconnect());
    return meter;
  }

  async sample(): Promise<CostSample> {
    const [proxy, info] = await Promise.all([this.proxies.stats(), this.redis.info('commandstats')]);
    const redisCalls: Record<string, number> = {};
    for (const match of info.matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm))
      redisCalls[match[1]] = Number(match[2]);
    return { at: performance.now(), proxy, redisCalls };
  }

  /** The idle service's cost per second, over `ms`. */
  async idleRate(ms: number): Promise<Cost> {
    const before = await this.sample();
    await new Promise(resolve => setTimeout(resolve, ms));
    return costBetween(before, await this.sample());
  }
}

export function costBetween(before: CostSample, after: CostSample): Cost {
  const mongo = countsDelta(after.proxy.mongo, before.proxy.mongo);
  const redisCallsByName: Record<string, number> = {};
  for (const [name, calls] of Object.entries(after.redisCalls)) {
    // The meter's own INFO between the two samples.
    const delta = calls - (before.redisCalls[name] ?? 0) - (name === 'info' ? 1 : 0);
    if (delta !== 0) redisCallsByName[name] = delta;
  }
  return {
    seconds: (after.at - before.at) / 1000,
    mongo,
    mongoCommands: dataCommands(mongo),
    redisCalls: Object.values(redisCallsByName).reduce((a, b) => a + b, 0),
    redisCallsByName,
    redisWire: redisWireDelta(after.proxy.redis, before.proxy.redis),
  };
}

/** What the benchmark's own /metrics reads cost the service during a phase: `count` reads of `each`. */
export interface ScrapeOverhead {
  count: number;
  each: Cost;
}

export function perUnit(
  cost: Cost,
  units: number,
  idle: Cost | undefined,
  scrapes?: ScrapeOverhead,
): UnitCost {
  const scale = idle === undefined || idle.seconds === 0 ? 0 : cost.seconds / idle.seconds;
  const background = (pick: (cost: Cost) => number) =>
    (idle === undefined ? 0 : pick(idle) * scale) +
    (scrapes === undefined ? 0 : Math.max(0, pick(scrapes.each)) * scrapes.count);
  const figure = (pick: (cost: Cost) => number) => {
    const raw = pick(cost);
    const off = background(pick);
    return { net: round(Math.max(0, raw - off) / units), share: raw === 0 ? 0 : round(off / raw) };
  };
  const mongo = figure(c => c.mongoCommands);
  const calls = figure(c => c.redisCalls);
  const commands = figure(c => c.redisWire.commands);
  const trips = figure(c => c.redisWire.roundTrips);
  return {
    units,
    mongoCommands: mongo.net,
    redisCalls: calls.net,
    redisCommands: commands.net,
    redisRoundTrips: trips.net,
    idleShare: { mongoCommands: mongo.share, redisCalls: calls.share, redisRoundTrips: trips.share },
  };
}

/** A cost less the idle background over its duration: what `units` of work added. */
export function netOf(cost: Cost, idle: Cost): Cost {
  const scale = idle.seconds === 0 ? 0 : cost.seconds / idle.seconds;
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([key, value]) => [key, value - (b[key] ?? 0) * scale]));
  return {
    seconds: cost.seconds,
    mongo: {
      total: cost.mongo.total - idle.mongo.total * scale,
      byName: minus(cost.mongo.byName, idle.mongo.byName),
      byTarget: minus(cost.mongo.byTarget, idle.mongo.byTarget),
    },
    mongoCommands: cost.mongoCommands - idle.mongoCommands * scale,
    redisCalls: cost.redisCalls - idle.redisCalls * scale,
    redisCallsByName: minus(cost.redisCallsByName, idle.redisCallsByName),
    redisWire: {
      commands: cost.redisWire.commands - idle.redisWire.commands * scale,
      roundTrips: cost.redisWire.roundTrips - idle.redisWire.roundTrips * scale,
      byName: minus(cost.redisWire.byName, idle.redisWire.byName),
      roundTripsByOpener: minus(cost.redisWire.roundTripsByOpener, idle.redisWire.roundTripsByOpener),
    },
  };
}

/** Every figure of `cost` times `factor` (e.g. 1 / changes), its duration kept. */
export function scaleCost(cost: Cost, factor: number): Cost {
  const scaled = (values: Record<string, number>) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value * factor]));
  return {
    seconds: cost.seconds,
    mongo: {
      total: cost.mongo.total * factor,
      byName: scaled(cost.mongo.byName),
      byTarget: scaled(cost.mongo.byTarget),
    },
    mongoCommands: cost.mongoCommands * factor,
    redisCalls: cost.redisCalls * factor,
    redisCallsByName: scaled(cost.redisCallsByName),
    redisWire: {
      commands: cost.redisWire.commands * factor,
      roundTrips: cost.redisWire.roundTrips * factor,
      byName: scaled(cost.redisWire.byName),
      roundTripsByOpener: scaled(cost.redisWire.roundTripsByOpener),
    },
  };
}

/** No background at all: for renames whose counters nobody reads, only their timing. */
export function zeroCost(): Cost {
  return {
    seconds: 1,
    mongo: { total: 0, byName: {}, byTarget: {} },
    mongoCommands: 0,
    redisCalls: 0,
    redisCallsByName: {},
    redisWire: { commands: 0, roundTrips: 0, byName: {}, roundTripsByOpener: {} },
  };
}
