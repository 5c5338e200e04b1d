/** The results file's shape and its markdown rendering (bench/results/latest.md and the README table). */
import type { BulkUpdateResult } from '../packages/mongo-emulator/bench/measure-bulk-update';
import type { ChangeLatencyResult } from './change-latency';
import type { EmulatorOpsResult } from './emulator-ops';
import type { EndToEndResult } from './end-to-end';
import type { MemoryReport } from './ops-collections';
import { renderOperator } from './operator-report';
import type { OperatorResult } from './operator-scenario';
import type { FanOutRow } from './sync-fan-out';
import { formatNumber as n } from './stats';

export const TARGETS = {
  /** From the emulator issue: updateOne by `_id`, one client, at both collection sizes. */
  updateOneByIdMinOpsPerSec: 5_000,
  changeLatencyP99MaxMs: 20,
  /** From the emulator issue: one bulk update, per matched document, change events included. */
  bulkUpdateMaxMicrosPerDoc: 15,
} as const;

export interface BenchResults {
  startedAt: string;
  durationSec: number;
  quick: boolean;
  /** Commit of the code measured. */
  code: string;
  environment: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    /** 1-minute load average: other work on the machine competes with the benchmark. */
    loadAverageAtStart: number;
    loadAverageAtEnd: number;
  };
  backends: { mongo: string; redis: string };
  memory: MemoryReport;
  emulatorOps: EmulatorOpsResult;
  changeLatency: ChangeLatencyResult;
  bulkUpdate: BulkUpdateResult;
  targets: typeof TARGETS & {
    updateOneByIdMet: boolean;
    changeLatencyP99Met: boolean;
    bulkUpdateMet: boolean;
  };
  fanOut: FanOutRow[];
  endToEnd: EndToEndResult | { skipped: string };
  operator: OperatorResult | { skipped: string };
}

const met = (ok: boolean) => (ok ? 'met' : '**not met**');

export function renderMarkdown(results: BenchResults): string {
  const { environment: env, memory, targets } = results;
  const sizes = results.emulatorOps.operations[0]?.bySize.map(entry => entry.size) ?? [];
  const sizeHeads = sizes.map(size => `${n(size)} docs`);
  const lines: string[] = [
    `Node ${env.node} on ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load average ` +
      `${n(env.loadAverageAtStart)} at start and ${n(env.loadAverageAtEnd)} at the end. ` +
      `${results.quick ? 'Quick smoke run' : 'Full run'} of ${n(results.durationSec)} s, ${results.startedAt}, ` +
      `code ${results.code}.`,
    `MongoDB: ${results.backends.mongo}. Redis: ${results.backends.redis}.`,
    '',
    `**MongoDB operations, one client** (ops/s, median of ${results.emulatorOps.rounds} rounds, sizes interleaved)`,
    '',
    `| operation | ${sizeHeads.join(' | ')} | ratio large/small | target |`,
    `| --- | ${sizes.map(() => '---:').join(' | ')} | ---: | --- |`,
    ...results.emulatorOps.operations.map(op => {
      const target =
        op.operation === 'updateOne'
          ? `≥ ${n(targets.updateOneByIdMinOpsPerSec)} at both: ${met(targets.updateOneByIdMet)}`
          : '';
      const cells = op.bySize.map(entry => n(entry.medianOpsPerSec));
      return `| ${op.label} | ${cells.join(' | ')} | ${n(op.ratioLargeToSmall)} | ${target} |`;
    }),
    `| change event latency p50 / p99, ms (${n(results.changeLatency.writesPerSize)} writes each) | ` +
      results.changeLatency.bySize.map(entry => `${n(entry.p50Ms)} / ${n(entry.p99Ms)}`).join(' | ') +
      ` | | p99 < ${targets.changeLatencyP99MaxMs} ms: ${met(targets.changeLatencyP99Met)} |`,
    '',
    `Bulk update: one \`updateMany\` with \`arrayFilters\` matching ${n(results.bulkUpdate.docs)} documents, ` +
      `a change stream open, costs ${n(results.bulkUpdate.medianMicrosPerDoc)} µs per matched document ` +
      `(median of ${results.bulkUpdate.microsPerDoc.length} statements; CPU time of this process ` +
      `${n(results.bulkUpdate.medianCpuMicrosPerDoc)} µs): target ≤ ${targets.bulkUpdateMaxMicrosPerDoc} µs, ` +
      `${met(targets.bulkUpdateMet)}.`,
    '',
    `Memory: process RSS ${n(memory.rssBeforeMiB)} MiB before loading the ${n(sizes[sizes.length - 1])} ` +
      `documents, ${n(memory.rssAfterMiB)} MiB after (+${n(memory.rssAfterMiB - memory.rssBeforeMiB)} MiB; ` +
      `heap used after GC +${n(memory.heapUsedAfterMiB - memory.heapUsedBeforeMiB)} MiB); the load took ` +
      `${n(memory.loadMs / 1000)} s.` +
      (memory.serverInProcess ? ' The emulator runs in this process, so this is the data it holds.' : ''),
    '',
    '**Sync fan-out: one user on N orders changes** (wall time, median of the rounds; database commands of one run)',
    '',
    '| orders | rounds | seed loop, ms | seed loop, commands | user-sync, ms | user-sync, commands | speed-up |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.fanOut.map(
      row =>
        `| ${n(row.orders)} | ${row.rounds} | ${n(row.seedLoop.medianMs)} | ${n(row.seedLoop.commands)} | ` +
        `${n(row.userSync.medianMs)} | ${n(row.userSync.commands)} | ${n(row.speedUp)}× |`,
    ),
    '',
    ...renderEndToEnd(results.endToEnd),
    '',
    ...renderOperator(results.operator),
  ];
  return `${lines.join('\n')}\n`;
}

function renderEndToEnd(result: BenchResults['endToEnd']): string[] {
  if ('skipped' in result) return [`**End to end through Redis**: skipped (${result.skipped}).`];
  return [
    '**End to end through Redis**: manager-sync jobs, `SyncWorkerPool`, one worker process',
    '',
    '| jobs | orders per job | concurrency | jobs/s | backlog latency p50 / p99, ms | idle latency p50 / p99, ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${n(result.jobs)} | ${result.ordersPerUser} | ${result.concurrency} | ${n(result.jobsPerSec)} | ` +
      `${n(result.backlog.p50Ms)} / ${n(result.backlog.p99Ms)} | ` +
      `${n(result.idle.p50Ms)} / ${n(result.idle.p99Ms)} (${result.idle.jobs} jobs) |`,
  ];
}
