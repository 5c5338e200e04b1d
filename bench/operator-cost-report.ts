/**
 * The cost and latency of the operator scenario at each round trip, against the network-latency issue's
 * targets: per change, MongoDB commands (the service's own, from the proxy; driver monitoring left out),
 * Redis calls (`INFO commandstats`, Lua's inner calls included), Redis commands sent and round trips
 * (proxy), each with the idle background and the benchmark's /metrics reads taken off.
 */
import type { UnitCost } from './operator-cost';
import type { PhaseCost } from './operator-phase-cost';
import type { OperatorResult } from './operator-scenario';
import { formatNumber as n } from './stats';

/** From the issue. A batch's physical limit: one read of the users and one bulk write per target. */
export const COST_TARGETS = {
  singleMaxMongo: 10,
  singleMaxRedisCalls: 120,
  singleMaxRedisRoundTrips: 15,
  singleMongoLimit: 3.2,
  burstMaxRedisCallsPerChange: 2,
  burstMaxMongoPerBatchFactor: 1.5,
  steadyMaxP99Ms: 250,
  steadyAtRttMs: 5,
} as const;

/**
 * The seed's batch limit: the users read once, orders written once for the manager copies and once for
 * the responsible arrays (or once for both), tasks once; plus the change stream's getMore.
 */
export const BATCH_MONGO_LIMIT = 5;

export function renderCosts(results: readonly OperatorResult[]): string[] {
  const rows = results.filter(result => result.costs !== undefined);
  const lines = [
    '**Latency and throughput by round trip** (the service behind proxies adding the round trip to MongoDB ' +
      'and Redis; the benchmark’s own client direct):',
    '',
    '| RTT (PING measured) | single change, p50 / p99 ms | steady 50/s, p50 / p99 ms | burst, changes/s | backfill, users/s |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const result of rows) {
    const costs = result.costs;
    if (costs === undefined) continue;
    lines.push(
      `| ${costs.rttMs} ms (${n(costs.measuredRttMs)} ms) | ${n(costs.single?.p50Ms)} / ${n(costs.single?.p99Ms)} | ` +
        `${n(result.steady?.p50Ms)} / ${n(result.steady?.p99Ms)} | ${n(result.burst.changesPerSec)} ` +
        `(${n(result.burst.changes)}) | ${n(result.backfill.usersPerSec)} (${n(result.backfill.users)}) |`,
    );
  }
  lines.push(
    '',
    '**Cost per change** (per user for the backfill); target in brackets. MongoDB: commands the service ' +
      'sent, hello/ping left out; Redis calls: `INFO commandstats` (inside Lua included); Redis sent / ' +
      'round trips: at the proxy, a round trip being a command sent on a connection with no reply outstanding.',
    '',
    '| RTT | phase | changes | MongoDB | per batch | Redis calls | Redis sent | Redis round trips | idle share M/R/RT |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const result of rows) {
    const costs = result.costs;
    if (costs === undefined) continue;
    const row = (phase: string, unit: UnitCost, batch: string, targets: [string, string, string]) =>
      lines.push(
        `| ${costs.rttMs} ms | ${phase} | ${n(unit.units)} | ${n(unit.mongoCommands)}${targets[0]} | ${batch} | ` +
          `${n(unit.redisCalls)}${targets[1]} | ${n(unit.redisCommands)} | ${n(unit.redisRoundTrips)}${targets[2]} | ` +
          `${n(unit.idleShare.mongoCommands)} / ${n(unit.idleShare.redisCalls)} / ${n(unit.idleShare.redisRoundTrips)} |`,
      );
    const batch = (phase: PhaseCost | undefined) =>
      phase?.mongoPerBatch === undefined
        ? '–'
        : `${n(phase.mongoPerBatch)} [≤ ${n(BATCH_MONGO_LIMIT * COST_TARGETS.burstMaxMongoPerBatchFactor)}]`;
    if (costs.single !== undefined)
      row('single', costs.single.perChange, '–', [
        ` [≤ ${COST_TARGETS.singleMaxMongo}; limit ${COST_TARGETS.singleMongoLimit}]`,
        ` [≤ ${COST_TARGETS.singleMaxRedisCalls}]`,
        ` [≤ ${COST_TARGETS.singleMaxRedisRoundTrips}]`,
      ]);
    row('burst', costs.burst.perChange, batch(costs.burst), [
      '',
      ` [≤ ${COST_TARGETS.burstMaxRedisCallsPerChange}]`,
      '',
    ]);
    row('backfill', costs.backfill.perChange, batch(costs.backfill), ['', '', '']);
    if (costs.steady !== undefined)
      row('steady 50/s', costs.steady.perChange, batch(costs.steady), ['', '', '']);
  }
  for (const result of rows) {
    const costs = result.costs;
    if (costs === undefined) continue;
    const proxied = (bytes: { request: number; reply: number }) =>
      `${n(bytes.request / 1024 / 1024)} MiB sent, ${n(bytes.reply / 1024 / 1024)} MiB received`;
    const perSecond = (value: number) => n(value / costs.idle.seconds);
    lines.push(
      '',
      `At ${costs.rttMs} ms (a Redis PING through the proxy took ${n(costs.measuredRttMs)} ms): MongoDB ` +
        `${proxied(costs.bytes.mongo)}, Redis ${proxied(costs.bytes.redis)} through the proxies. Idle ` +
        `background per second: ${perSecond(costs.idle.mongoCommands)} MongoDB commands, ` +
        `${perSecond(costs.idle.redisCalls)} Redis calls, ${perSecond(costs.idle.redisWire.roundTrips)} Redis ` +
        `round trips; one /metrics read: ${n(costs.scrape.redisCalls)} Redis calls, ` +
        `${n(costs.scrape.redisWire.roundTrips)} round trips. Jobs (manager-sync's are the batches): burst ` +
        `${jobsText(costs.burst)}; backfill ${jobsText(costs.backfill)}` +
        `${costs.steady === undefined ? '' : `; steady ${jobsText(costs.steady)}`}.`,
    );
  }
  if (rows.length > 0)
    lines.push(
      '',
      "The service's processes reach the servers only through the proxies: MongoDB with " +
        '`directConnection=true`, since a replica-set URL would follow hello to the server’s own address.',
    );
  return lines;
}

function jobsText(phase: PhaseCost): string {
  return Object.entries(phase.jobs)
    .filter(([, count]) => count > 0)
    .map(([queue, count]) => `${queue} ${n(count)}`)
    .join(', ');
}
