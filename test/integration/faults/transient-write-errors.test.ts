import { MetricNames } from '../../../src/metrics/metric-names';
import { ALL_APP_NAME } from '../../support/all-process';
import { useAllStack } from '../../support/all-stack';
import { failCommand, failPointOff } from '../../support/fail-command';
import { reportFigure, sampleWhile } from '../../support/fault-figures';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: a primary stepping down or shutting down fails the workers' writes for a moment. No label is
 * given: the server attaches RetryableWriteError itself, as mongod does for these codes, so the driver
 * retries once; the failures outnumber that one retry, so the service's own retry must carry the rest.
 * Every change converges and nothing reaches dead-letter.
 */
describe('transient write errors on the workers (update / findAndModify)', () => {
  const stack = useAllStack({ clearFailPoints: true });

  it.each([
    [11600, 'InterruptedAtShutdown'],
    [10107, 'NotWritablePrimary'],
    [91, 'ShutdownInProgress'],
  ])('%i %s: every copy converges, nothing is dead-lettered', async (errorCode, codeName) => {
    const copies = await seedCopiedUsers(stack.db, 5);
    await copies.rename('Before');
    await copies.converged(30_000);
    const seen = stack.all.logLines(/MongoDB failed transiently/);
    // Longer than the job's attempts last (JOB_ATTEMPTS=2 here): only a retry that spends no attempt converges.
    await failCommand(stack.client, 'alwaysOn', {
      failCommands: ['update', 'findAndModify'],
      errorCode,
      appName: ALL_APP_NAME,
    });
    await copies.rename(codeName);
    const converging = copies.converged().then(() => Date.now());
    const lag = sampleWhile(converging, () => stack.all.metric(MetricNames.listenerLag));
    const failing = Date.now();
    await waitUntil('the fault to last 3 s', () => Date.now() - failing > 3_000);
    const failedWrites = await failPointOff(stack.client);
    const faultEnded = Date.now();
    const convergedAt = await converging;

    expect(await stack.all.metric(MetricNames.deadLetterJobs)).toBe(0);
    expect(await stack.all.metricSum(MetricNames.jobsFailed)).toBe(0);
    expect(stack.all.logLines(/MongoDB failed transiently/)).toBeGreaterThan(seen);
    const lagSamples = await lag;
    expect(lagSamples.length).toBeGreaterThan(0);
    expect(lagSamples.every(value => typeof value === 'number')).toBe(true);
    reportFigure(`write error ${errorCode} ${codeName}`, {
      faultMs: faultEnded - failing,
      convergedAfterChangeMs: convergedAt - failing,
      convergedAfterFaultMs: Math.max(0, convergedAt - faultEnded),
      failedWrites,
      maxLagS: Math.max(...(lagSamples as number[])),
    });
  });
});
