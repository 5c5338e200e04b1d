/**
 * Backfill: every user's copies are stale and an operator runs `user-sync resync --all` while
 * `user-sync all` runs. Measured from starting the command until no copy is stale, and the command's own
 * peak memory: it enqueues jobs for every user, and must not need memory in proportion to them.
 */
import type { Db } from 'mongodb';
import type { Releasers } from '../src/lifecycle/releasers';
import { waitForConvergence, type ConvergeResult } from './operator-converge';
import { queuesIdle } from './operator-metrics';
import { cpuSeconds, samplePeakRss, spawnProcess, type Exit } from './operator-process';
import { countStale, ORDERS_PER_USER, TASKS_PER_ORDER, type CopyCounts } from './operator-seed';
import { serviceEnv, type OperatorStack } from './operator-stack';
import { round } from './stats';

export interface BackfillOptions {
  /** `user-sync all`, for its /metrics. */
  serviceUrl: string;
  /** Its process, whose CPU time the backfill reports. */
  servicePid: number | undefined;
  /** Users in the database, all stale. */
  users: number;
  timeoutMs: number;
  /** How often /metrics is read. @defaultValue 250 */
  intervalMs?: number;
}

export interface BackfillResult {
  users: number;
  /** Orders and tasks whose copies had to be rewritten. */
  documents: number;
  /** Documents with a stale copy when the command started (all of them, unless something else wrote). */
  staleAtStart: CopyCounts;
  resync: {
    exit: Exit;
    /** Start to exit: enqueuing, as the operator waits for it. */
    ms: number;
    /** VmHWM of the resync process; undefined off Linux. */
    peakRssMiB: number | undefined;
    /** What it printed last ("resync enqueued N jobs for M users"). */
    summary: string;
  };
  convergence: ConvergeResult;
  usersPerSec: number | undefined;
  /** CPU seconds from the command's start to convergence, per process; undefined where not measured. */
  cpu: { emulator: number | undefined; service: number | undefined; resync: number | undefined };
}

export async function measureBackfill(
  db: Db,
  stack: OperatorStack,
  options: BackfillOptions,
  releasers: Releasers,
  progress: (message: string) => void,
): Promise<BackfillResult> {
  const documents = options.users * ORDERS_PER_USER * (1 + TASKS_PER_ORDER);
  const staleAtStart = await countStale(db);
  const cpuAtStart = { emulator: cpuSeconds(stack.emulatorPid), service: cpuSeconds(options.servicePid) };
  const startedAt = performance.now();
  const resync = spawnProcess('user-sync resync --all', process.execPath, [stack.cli, 'resync', '--all'], {
    ...serviceEnv(stack),
  });
  releasers.add('user-sync resync', () => resync.stop().then(() => undefined));
  const rss = samplePeakRss(resync.child.pid);
  // Read while it runs: a process that has exited has no /proc entry left to read.
  let resyncCpu: number | undefined;
  const resyncCpuTimer = setInterval(() => (resyncCpu = cpuSeconds(resync.child.pid) ?? resyncCpu), 100);
  const exit = await resync.exited;
  clearInterval(resyncCpuTimer);
  const resyncMs = performance.now() - startedAt;
  const peakRssMiB = rss.stop();
  if (exit.code !== 0)
    throw new Error(`user-sync resync --all failed (${JSON.stringify(exit)}):\n${resync.output()}`);
  const summary = /resync enqueued[^\n]*/.exec(resync.output())?.[0] ?? 'no summary printed';
  progress(`backfill: resync exited after ${round(resyncMs)} ms (${summary}); waiting for the copies`);

  // Nothing can converge before the last user is enqueued, so checking starts at the exit: the time
  // measured is never shorter than the command an operator waits for.
  const convergence = await waitForConvergence({
    count: async () => {
      const stale = await countStale(db);
      return stale.orders + stale.tasks;
    },
    idle: queuesIdle(options.serviceUrl),
    startedAt,
    intervalMs: options.intervalMs ?? 250,
    timeoutMs: options.timeoutMs,
    progress: message => progress(`backfill: ${message}`),
  });
  const seconds = convergence.convergedMs === undefined ? undefined : convergence.convergedMs / 1000;
  const used = (pid: number | undefined, before: number | undefined) => {
    const now = cpuSeconds(pid);
    return now === undefined || before === undefined ? undefined : round(now - before);
  };
  return {
    users: options.users,
    documents,
    staleAtStart,
    resync: {
      exit,
      ms: round(resyncMs),
      peakRssMiB: peakRssMiB === undefined ? undefined : round(peakRssMiB),
      summary,
    },
    convergence,
    usersPerSec: seconds === undefined ? undefined : round(options.users / seconds),
    cpu: {
      emulator: used(stack.emulatorPid, cpuAtStart.emulator),
      service: used(options.servicePid, cpuAtStart.service),
      resync: resyncCpu === undefined ? undefined : round(resyncCpu),
    },
  };
}
