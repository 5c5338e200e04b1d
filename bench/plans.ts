/**
 * How much work each section does. The full plan is sized to finish in a few minutes on a busy 2-core
 * machine while still giving every median several rounds; `--quick` only proves the benchmark runs.
 */
import type { BulkUpdateOptions } from '../packages/mongo-emulator/bench/measure-bulk-update';
import type { ChangeLatencyOptions } from './change-latency';
import type { EmulatorOpsOptions } from './emulator-ops';
import type { EndToEndOptions } from './end-to-end';
import type { OperatorOptions } from './operator-scenario';
import type { WebhookSizes } from './webhooks';
import type { FanOutOptions } from './sync-fan-out';

export interface BenchPlan {
  ops: EmulatorOpsOptions;
  latency: ChangeLatencyOptions;
  bulkUpdate: BulkUpdateOptions;
  fanOut: FanOutOptions;
  endToEnd: EndToEndOptions;
  /** Sizes of the targets; the scenario's run time grows with them (minutes below the targets). */
  operator: Pick<OperatorOptions, 'burst' | 'backfill' | 'steadySeconds' | 'reassignments' | 'bulkTasks'>;
  /** Signed Clerk deliveries at a steady rate (bench/webhooks.ts). */
  webhooks: WebhookSizes;
}

export const PLANS: Record<'full' | 'quick', BenchPlan> = {
  full: {
    ops: {
      warmupRounds: 1,
      rounds: 9,
      opsPerRound: { insertOne: 1_500, updateOne: 3_000, updateMany: 500, find: 500 },
    },
    latency: { warmupWrites: 50, rounds: 5, writesPerRound: 250 },
    bulkUpdate: { docs: 10_000, runs: 9 },
    fanOut: {
      orderCounts: [100, 1_000, 10_000],
      // The seed loop needs ~20,000 round trips at 10,000 orders: fewer rounds there keep the run short.
      rounds: orders => (orders >= 10_000 ? 5 : orders >= 1_000 ? 7 : 9),
      warmup: { orders: 1_000, rounds: 3 },
    },
    endToEnd: { jobs: 1_000, ordersPerUser: 10, idleJobs: 100 },
    operator: { burst: 10_000, backfill: 100_000, steadySeconds: 20, reassignments: 200, bulkTasks: 10_000 },
    webhooks: { webhooks: 2000, ratePerSec: 100 },
  },
  quick: {
    ops: {
      warmupRounds: 1,
      rounds: 2,
      opsPerRound: { insertOne: 100, updateOne: 200, updateMany: 50, find: 50 },
    },
    latency: { warmupWrites: 10, rounds: 2, writesPerRound: 50 },
    bulkUpdate: { docs: 1_000, runs: 3 },
    fanOut: { orderCounts: [100, 1_000], rounds: () => 2, warmup: { orders: 100, rounds: 1 } },
    endToEnd: { jobs: 100, ordersPerUser: 10, idleJobs: 10 },
    operator: { burst: 200, backfill: 500, steadySeconds: 3, reassignments: 20, bulkTasks: 500 },
    webhooks: { webhooks: 100, ratePerSec: 100 },
  },
};
