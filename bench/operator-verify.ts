/**
 * verify: once every copy has converged, an operator audits the whole database with `user-sync verify
 * --json` as its own process. Timed from start to exit, with its peak memory: it streams orders and tasks
 * in batches, and must need neither time nor memory out of proportion to them.
 */
import type { Releasers } from '../src/lifecycle/releasers';
import { samplePeakRss, spawnProcess, type Exit } from './operator-process';
import { serviceEnv, type OperatorStack } from './operator-stack';
import { round } from './stats';

export interface VerifyResult {
  exit: Exit;
  ms: number;
  /** VmHWM of the verify process; undefined off Linux. */
  peakRssMiB: number | undefined;
  /** What verify reports it read (orders, tasks, accounts...), from its --json output. */
  scanned: Record<string, number>;
  /** Drift found; 0 on a converged database. */
  drift: number | undefined;
}

export async function measureVerify(
  stack: OperatorStack,
  releasers: Releasers,
  progress: (message: string) => void,
): Promise<VerifyResult> {
  const startedAt = performance.now();
  const verify = spawnProcess('user-sync verify', process.execPath, [stack.cli, 'verify', '--json'], {
    ...serviceEnv(stack),
    LOG_LEVEL: 'warn',
  });
  releasers.add('user-sync verify', () => verify.stop().then(() => undefined));
  const rss = samplePeakRss(verify.child.pid);
  const exit = await verify.exited;
  const ms = performance.now() - startedAt;
  const peakRssMiB = rss.stop();
  const report = parseReport(verify.output());
  progress(
    `verify: exited with code ${exit.code} after ${round(ms)} ms, peak RSS ${round(peakRssMiB ?? 0)} MiB`,
  );
  return {
    exit,
    ms: round(ms),
    peakRssMiB: peakRssMiB === undefined ? undefined : round(peakRssMiB),
    scanned: report?.scanned ?? {},
    drift: report?.total,
  };
}

/** The JSON document verify prints last; undefined when it printed none (it failed). */
function parseReport(output: string): { total: number; scanned: Record<string, number> } | undefined {
  const start = output.indexOf('{\n');
  if (start < 0) return undefined;
  try {
    return JSON.parse(output.slice(start)) as { total: number; scanned: Record<string, number> };
  } catch {
    return undefined;
  }
}
