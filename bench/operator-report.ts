/** The operator scenario's targets and its markdown section (in the full report and the standalone run). */
import type { ConvergeResult } from './operator-converge';
import { renderCosts } from './operator-cost-report';
import { describeExit } from './operator-process';
import type { OperatorResult } from './operator-scenario';
import type { SteadyResult } from './operator-steady';
import { formatNumber as n } from './stats';

/** From the throughput issue; each target holds at its size (a smaller run only shows the trend). */
export const OPERATOR_TARGETS = {
  burstChanges: 10_000,
  burstMinChangesPerSec: 1_000,
  backfillUsers: 100_000,
  backfillMinUsersPerSec: 1_000,
  resyncMaxRssMiB: 250,
  steadyChangesPerSec: 50,
  steadyMaxP50Ms: 50,
  steadyMaxP99Ms: 250,
  bulkTasks: 10_000,
  bulkMinTasksPerSec: 1_000,
  verifyOrders: 300_000,
  verifyMaxSeconds: 30,
  verifyMaxRssMiB: 300,
} as const;

export interface OperatorTargetsMet {
  burst: boolean;
  backfill: boolean;
  resyncRss: boolean;
  /** Undefined when the steady phase was skipped. */
  steady: boolean | undefined;
  /** Time and memory; undefined in a result from before verify was measured (a --compare baseline). */
  verify: boolean | undefined;
}

export function operatorTargetsMet(result: OperatorResult): OperatorTargetsMet {
  return {
    burst: (result.burst.changesPerSec ?? 0) >= OPERATOR_TARGETS.burstMinChangesPerSec,
    backfill: (result.backfill.usersPerSec ?? 0) >= OPERATOR_TARGETS.backfillMinUsersPerSec,
    resyncRss: (result.backfill.resync.peakRssMiB ?? Infinity) < OPERATOR_TARGETS.resyncMaxRssMiB,
    steady: result.steady && steadyMet(result.steady),
    verify:
      result.verify &&
      result.verify.exit.code === 0 &&
      result.verify.ms / 1000 < OPERATOR_TARGETS.verifyMaxSeconds &&
      (result.verify.peakRssMiB ?? Infinity) < OPERATOR_TARGETS.verifyMaxRssMiB,
  };
}

function steadyMet(steady: SteadyResult): boolean {
  return (
    steady.ratePerSec >= OPERATOR_TARGETS.steadyChangesPerSec &&
    (steady.p50Ms ?? Infinity) <= OPERATOR_TARGETS.steadyMaxP50Ms &&
    (steady.p99Ms ?? Infinity) <= OPERATOR_TARGETS.steadyMaxP99Ms
  );
}

/** `costs: false` leaves out the cost table, for a caller that shows several runs' costs together. */
export function renderOperator(
  result: OperatorResult | { skipped: string },
  { costs = true }: { costs?: boolean } = {},
): string[] {
  if ('skipped' in result) return [`**Operator view**: skipped (${result.skipped}).`];
  const { backfill, burst, steady, service } = result;
  const met = operatorTargetsMet(result);
  const verdict = (ok: boolean, size: number, targetSize: number) =>
    `${ok ? 'met' : '**not met**'}${size < targetSize ? ` (at ${n(size)}, below the target's size)` : ''}`;
  const seconds = (convergence: ConvergeResult) =>
    convergence.convergedMs === undefined
      ? `not in time (${n(convergence.remaining)} documents left)`
      : n(convergence.convergedMs / 1000);
  return [
    `**Operator view**: \`user-sync all\` with default settings as its own process, MongoDB ${result.backends.mongo}, ` +
      `Redis ${result.backends.redis}; ${n(result.users)} users, each manager and only responsible user of ` +
      `${result.ordersPerUser} orders with ${result.tasksPerOrder} task each. Timed until a count of the ` +
      'documents shows every copy converged (checked once /metrics shows no job pending).',
    '',
    '| phase | size | converged after, s | rate | target |',
    '| --- | ---: | ---: | ---: | --- |',
    `| backfill: \`resync --all\` on stale copies | ${n(backfill.users)} users | ${seconds(backfill.convergence)} | ` +
      `${n(backfill.usersPerSec)} users/s | ` +
      `≥ ${n(OPERATOR_TARGETS.backfillMinUsersPerSec)} users/s at ${n(OPERATOR_TARGETS.backfillUsers)}: ` +
      `${verdict(met.backfill, backfill.users, OPERATOR_TARGETS.backfillUsers)} |`,
    `| burst: users renamed by one client | ${n(burst.changes)} changes | ${seconds(burst.convergence)} | ` +
      `${n(burst.changesPerSec)} changes/s | ` +
      `≥ ${n(OPERATOR_TARGETS.burstMinChangesPerSec)} changes/s at ${n(OPERATOR_TARGETS.burstChanges)}: ` +
      `${verdict(met.burst, burst.changes, OPERATOR_TARGETS.burstChanges)} |`,
    ...(steady === undefined ? [] : [steadyRow(steady, met.steady === true)]),
    ...verifyRow(result, met.verify === true),
    ...referenceRows(result),
    '',
    `The resync process exited with ${describeExit(backfill.resync.exit)} after ${n(backfill.resync.ms / 1000)} s ` +
      `("${backfill.resync.summary}"), peak RSS ${n(backfill.resync.peakRssMiB)} MiB ` +
      `(target < ${OPERATOR_TARGETS.resyncMaxRssMiB} MiB at ${n(OPERATOR_TARGETS.backfillUsers)} users: ` +
      `${verdict(met.resyncRss, backfill.users, OPERATOR_TARGETS.backfillUsers)}); ` +
      `copies stale at its start: ${n(backfill.staleAtStart.orders)} orders, ${n(backfill.staleAtStart.tasks)} tasks. ` +
      `CPU seconds from the command's start to convergence: emulator ${n(backfill.cpu.emulator)}, ` +
      `\`all\` ${n(backfill.cpu.service)}, resync ${n(backfill.cpu.resync)}. ` +
      `The counts that found no copy left to converge answered ${n(confirming(backfill.convergence))} s ` +
      `(backfill) and ${n(confirming(burst.convergence))} s (burst) after they were asked. ` +
      `The burst's ${n(burst.changes)} writes took ${n(burst.writeMs / 1000)} s (${n(burst.writesPerSec)}/s); ` +
      `before it, the backfill's remaining jobs drained in ${n(ms(result.drainMs))} s. ` +
      `Seeding took ${n(result.seedMs / 1000)} s, \`all\` was ready ${n(result.readyMs / 1000)} s after its start. ` +
      `Its /metrics at the end: ${n(service.completed)} jobs completed, ${n(service.failed)} failed, ` +
      `${n(service.retried)} retried, ${n(service.deadLetter)} in dead-letter. ` +
      `After SIGTERM it exited with ${describeExit(result.allExit)}.`,
    ...(steady === undefined ? [] : ['', steadyParagraph(steady)]),
    ...(costs && result.costs !== undefined ? ['', ...renderCosts([result])] : []),
  ];
}

function verifyRow({ verify, users, ordersPerUser }: OperatorResult, met: boolean): string[] {
  if (verify === undefined) return [];
  const orders = verify.scanned.orders ?? users * ordersPerUser;
  const { verifyMaxSeconds, verifyMaxRssMiB, verifyOrders } = OPERATOR_TARGETS;
  return [
    `| verify: \`verify --json\` once converged, exit ${describeExit(verify.exit)}, drift ${n(verify.drift)} | ` +
      `${n(orders)} orders, ${n(verify.scanned.tasks)} tasks | ${n(verify.ms / 1000)} (peak RSS ` +
      `${n(verify.peakRssMiB)} MiB) | ${n(orders / (verify.ms / 1000))} orders/s | < ${verifyMaxSeconds} s and ` +
      `< ${verifyMaxRssMiB} MiB at ${n(verifyOrders)} orders: ${met ? 'met' : '**not met**'}` +
      `${orders < verifyOrders ? " (below the target's size)" : ''} |`,
  ];
}

/** SPEC §2b: the other side of the join, as the platform's services change it. */
function referenceRows({ reassignment, taskInsert }: OperatorResult): string[] {
  const rows: string[] = [];
  if (reassignment !== undefined)
    rows.push(
      `| reassignment: an order's manager changed every ${n(1000 / reassignment.ratePerSec)} ms | ` +
        `${n(reassignment.reassignments)} orders (${n(reassignment.converged)} converged) | ` +
        `each: ${n(ms(reassignment.p50Ms))} (p50), ${n(ms(reassignment.p99Ms))} (p99) | ` +
        `${n(reassignment.ratePerSec)} orders/s | reported |`,
    );
  if (taskInsert !== undefined) {
    const met = (taskInsert.tasksPerSec ?? 0) >= OPERATOR_TARGETS.bulkMinTasksPerSec;
    rows.push(
      `| bulk task insert: one insertMany, one task per order, bare | ${n(taskInsert.tasks)} tasks | ` +
        `${taskInsert.convergedMs === undefined ? `not in time (${n(taskInsert.tasks - taskInsert.copied)} left)` : n(taskInsert.convergedMs / 1000)} | ` +
        `${n(taskInsert.tasksPerSec)} tasks/s | ≥ ${n(OPERATOR_TARGETS.bulkMinTasksPerSec)} tasks/s at ` +
        `${n(OPERATOR_TARGETS.bulkTasks)}: ${met ? 'met' : '**not met**'}${taskInsert.tasks < OPERATOR_TARGETS.bulkTasks ? ' (below the target size)' : ''} |`,
    );
  }
  return rows;
}

function steadyRow(steady: SteadyResult, met: boolean): string {
  const { steadyChangesPerSec: rate, steadyMaxP50Ms: p50, steadyMaxP99Ms: p99 } = OPERATOR_TARGETS;
  return (
    `| steady: one user renamed every ${n(1000 / steady.ratePerSec)} ms | ${n(steady.changes)} changes | ` +
    `each: ${n(ms(steady.p50Ms))} (p50), ${n(ms(steady.p99Ms))} (p99) | ` +
    `${n(steady.ratePerSec)} changes/s | ` +
    `p50 ≤ ${p50} ms and p99 ≤ ${p99} ms at ${rate} changes/s: ${met ? 'met' : '**not met**'} |`
  );
}

function steadyParagraph(steady: SteadyResult): string {
  return (
    `Steady rate: ${n(steady.changes)} renames cycling through the users, sent on a fixed schedule of ` +
    `${n(steady.ratePerSec)}/s (at most ${n(steady.maxSendLagMs)} ms late) while \`all\` had nothing else ` +
    'to do; each timed from just before its write until change streams on orders and tasks, open before ' +
    `the first write, had shown its new name in all ${steady.copiesPerChange} copies. ` +
    `${n(steady.converged)} of ${n(steady.changes)} converged within ${n(steady.settleMs / 1000)} s of the ` +
    `last write; write to every copy converged, ms: p50 ${n(steady.p50Ms)}, p95 ${n(steady.p95Ms)}, ` +
    `p99 ${n(steady.p99Ms)}, max ${n(steady.maxMs)} ` +
    '(– where the percentile falls on a change that did not converge).'
  );
}

function confirming({ convergedMs, confirmedMs }: ConvergeResult): number | undefined {
  return convergedMs === undefined || confirmedMs === undefined
    ? undefined
    : (confirmedMs - convergedMs) / 1000;
}

function ms(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value / 1000;
}

/** Two versions through the same scenario, in one run: rates and the resync process's memory. */
export function renderComparison(ref: string, baseline: OperatorResult, current: OperatorResult): string[] {
  const ratio = (after: number | undefined, before: number | undefined) =>
    after === undefined || before === undefined || before === 0 ? '' : `${n(after / before)}×`;
  const rate = (value: number | undefined, unit: string) =>
    value === undefined ? '–' : `${n(value)} ${unit}`;
  const p50 = (result: OperatorResult) => result.steady?.p50Ms;
  const p99 = (result: OperatorResult) => result.steady?.p99Ms;
  const verifySeconds = (result: OperatorResult) =>
    result.verify === undefined ? undefined : result.verify.ms / 1000;
  return [
    `**Side by side in this run**: ${ref} first, then this code, at the same sizes.`,
    '',
    `| phase | ${ref} | this code | ratio |`,
    '| --- | ---: | ---: | ---: |',
    `| burst, ${n(current.burst.changes)} changes | ${rate(baseline.burst.changesPerSec, 'changes/s')} | ${rate(current.burst.changesPerSec, 'changes/s')} | ${ratio(current.burst.changesPerSec, baseline.burst.changesPerSec)} |`,
    `| backfill, ${n(current.users)} users | ${rate(baseline.backfill.usersPerSec, 'users/s')} | ${rate(current.backfill.usersPerSec, 'users/s')} | ${ratio(current.backfill.usersPerSec, baseline.backfill.usersPerSec)} |`,
    `| backfill CPU s, emulator / \`all\` | ${rate(baseline.backfill.cpu.emulator, 's')} / ${rate(baseline.backfill.cpu.service, 's')} | ${rate(current.backfill.cpu.emulator, 's')} / ${rate(current.backfill.cpu.service, 's')} | ${ratio(current.backfill.cpu.emulator, baseline.backfill.cpu.emulator)} |`,
    `| resync process peak RSS | ${rate(baseline.backfill.resync.peakRssMiB, 'MiB')} | ${rate(current.backfill.resync.peakRssMiB, 'MiB')} | |`,
    `| verify, time and peak RSS | ${rate(verifySeconds(baseline), 's')}, ${rate(baseline.verify?.peakRssMiB, 'MiB')} | ${rate(verifySeconds(current), 's')}, ${rate(current.verify?.peakRssMiB, 'MiB')} | |`,
    `| steady 50/s, p50 / p99 | ${rate(p50(baseline), 'ms')} / ${rate(p99(baseline), 'ms')} | ${rate(p50(current), 'ms')} / ${rate(p99(current), 'ms')} | |`,
  ];
}
