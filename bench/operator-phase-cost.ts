/**
 * A phase of the operator scenario (backfill, burst, steady) with its cost to the servers: counters read
 * before it and after its queues are idle again, the idle background and the benchmark's own /metrics
 * reads taken off, divided by its changes. Jobs completed per queue say how many batches served them: the
 * listener groups one change-stream batch into one job per queue, so manager-sync's jobs are its batches.
 */
import {
  costBetween,
  perUnit,
  type Cost,
  type CostMeter,
  type ScrapeOverhead,
  type UnitCost,
} from './operator-cost';
import { metricsReads, readCompletedByQueue, readServiceCounters } from './operator-metrics';

export interface PhaseCost {
  cost: Cost;
  perChange: UnitCost;
  /** Jobs completed during the phase, by queue. */
  jobs: Record<string, number>;
  /** Data commands per manager-sync job: per batch of changes. */
  mongoPerBatch: number | undefined;
  metricsReads: number;
}

export interface CostContext {
  meter: CostMeter;
  serviceUrl: string;
  idle: Cost;
  /** One /metrics read's cost; measured once the service is warm. */
  scrape?: Cost;
}

export async function withPhaseCost<T>(
  context: CostContext,
  units: (result: T) => number,
  run: () => Promise<T>,
): Promise<{ result: T; cost: PhaseCost }> {
  const jobsBefore = await readCompletedByQueue(context.serviceUrl);
  const reads = metricsReads.count;
  const before = await context.meter.sample();
  const result = await run();
  const after = await context.meter.sample();
  const scrapes = metricsReads.count - reads;
  const jobsAfter = await readCompletedByQueue(context.serviceUrl);
  const jobs = Object.fromEntries(
    Object.entries(jobsAfter).map(([queue, count]) => [queue, count - (jobsBefore[queue] ?? 0)]),
  );
  const cost = costBetween(before, after);
  const overhead: ScrapeOverhead | undefined =
    context.scrape === undefined ? undefined : { count: scrapes, each: context.scrape };
  const perChange = perUnit(cost, Math.max(1, units(result)), context.idle, overhead);
  const batches = jobs['manager-sync'];
  return {
    result,
    cost: {
      cost,
      perChange,
      jobs,
      mongoPerBatch:
        batches === undefined || batches === 0
          ? undefined
          : Math.round(((perChange.mongoCommands * perChange.units) / batches) * 10) / 10,
      metricsReads: scrapes,
    },
  };
}

/** What one /metrics read costs the service: `reads` of them, less the idle background. */
export async function measureScrapeCost(
  meter: CostMeter,
  serviceUrl: string,
  idle: Cost,
  reads = 10,
): Promise<Cost> {
  const before = await meter.sample();
  for (let i = 0; i < reads; i += 1) await readServiceCounters(serviceUrl);
  const cost = costBetween(before, await meter.sample());
  const scale = cost.seconds / idle.seconds;
  const each = (raw: number, background: number) => Math.max(0, raw - background * scale) / reads;
  return {
    ...cost,
    mongoCommands: each(cost.mongoCommands, idle.mongoCommands),
    redisCalls: each(cost.redisCalls, idle.redisCalls),
    redisWire: {
      ...cost.redisWire,
      commands: each(cost.redisWire.commands, idle.redisWire.commands),
      roundTrips: each(cost.redisWire.roundTrips, idle.redisWire.roundTrips),
    },
  };
}
