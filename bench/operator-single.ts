/**
 * Single changes: one rename at a time, each waited for until every copy shows it and the service has gone
 * quiet again, so the counters between two renames hold exactly one change's work (plus the idle
 * background, which CostMeter takes off). What the physical limit of a change is compared with: the
 * change-stream getMore that brings it, one read of the user, one write per target collection.
 * Convergence is polled through the benchmark's direct client (every POLL_MS), so the latencies carry up
 * to that much polling error; the proxies never see the polls.
 */
import type { Db, ObjectId } from 'mongodb';
import { costBetween, perUnit, type Cost, type CostMeter, type UnitCost } from './operator-cost';
import { countNotRenamed } from './operator-seed';
import { percentile, round } from './stats';

export interface SingleOptions {
  changes: number;
  rttMs: number;
  /** Idle background per second, measured before. */
  idle: Cost;
  timeoutMs?: number;
}

export interface SingleResult {
  changes: number;
  converged: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
  /** Epoch ms (fractional) of each write, and its latency (undefined: not converged), for timelines. */
  writes: { at: number; ms: number | undefined }[];
  cost: Cost;
  perChange: UnitCost;
}

const POLL_MS = 5;
/** After the last copy, BullMQ still moves jobs to completed and a late job may still read. */
const QUIET_MS = 400;
const QUIET_PER_RTT = 40;
const PREFIX = 'Single ';

export async function measureSingleChanges(
  db: Db,
  userIds: readonly ObjectId[],
  meter: CostMeter,
  options: SingleOptions,
  progress: (message: string) => void,
): Promise<SingleResult> {
  const latencies: number[] = [];
  const writes: SingleResult['writes'] = [];
  // From the end of the list: the burst and the steady phase start at its head.
  const users = userIds.slice(-options.changes);
  const quietMs = QUIET_MS + QUIET_PER_RTT * options.rttMs;
  const timeoutMs = options.timeoutMs ?? 10_000;
  progress(`single: ${users.length} renames, one at a time, ${quietMs} ms of quiet after each`);
  const before = await meter.sample();
  for (const [k, user] of users.entries()) {
    const name = `${PREFIX}${k}`;
    const started = performance.now();
    writes.push({ at: performance.timeOrigin + started, ms: undefined });
    await db.collection('_users').updateOne({ _id: user }, { $set: { name } });
    const exact = new RegExp(`^${name}$`);
    for (;;) {
      if ((await countNotRenamed(db, [user], exact)) === 0) {
        latencies.push(performance.now() - started);
        writes[k].ms = latencies[latencies.length - 1];
        break;
      }
      if (performance.now() - started > timeoutMs) break;
      await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
    await new Promise(resolve => setTimeout(resolve, quietMs));
  }
  const cost = costBetween(before, await meter.sample());
  const at = (p: number) => (latencies.length === 0 ? undefined : round(percentile(latencies, p)));
  return {
    changes: users.length,
    converged: latencies.length,
    p50Ms: at(50),
    p99Ms: at(99),
    maxMs: at(100),
    writes,
    cost,
    perChange: perUnit(cost, users.length, options.idle),
  };
}
