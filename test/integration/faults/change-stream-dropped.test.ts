import { MetricNames } from '../../../src/metrics/metric-names';
import { ALL_APP_NAME } from '../../support/all-process';
import { useAllStack } from '../../support/all-stack';
import { failCommand, failPointOff } from '../../support/fail-command';
import { reportFigure, sampleWhile } from '../../support/fault-figures';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: the network drops the change stream's connection, again and again for 3 s, while users change.
 * A dropped connection is resumable (no label needed: the driver resumes on any network error), so the
 * stream picks up where it was and every change converges, with nothing in dead-letter.
 */
describe("dropped connections on the change stream's getMore", () => {
  const stack = useAllStack({ clearFailPoints: true });

  it('every change made while getMore keeps failing converges; nothing is dead-lettered', async () => {
    const copies = await seedCopiedUsers(stack.db, 5);
    await copies.rename('Before');
    await copies.converged(30_000);

    await failCommand(stack.client, 'alwaysOn', {
      failCommands: ['getMore'],
      closeConnection: true,
      appName: ALL_APP_NAME,
    });
    const failing = Date.now();
    await copies.rename('Dropped');
    const converging = copies.converged().then(() => Date.now());
    const lag = sampleWhile(converging, () => stack.all.metric(MetricNames.listenerLag));
    await waitUntil('the fault to last 3 s', () => Date.now() - failing > 3_000);
    const dropped = await failPointOff(stack.client);
    const faultEnded = Date.now();
    const convergedAt = await converging;

    expect(dropped).toBeGreaterThan(1);
    expect(await stack.all.metric(MetricNames.deadLetterJobs)).toBe(0);
    expect(await stack.all.metricSum(MetricNames.jobsFailed)).toBe(0);
    const lagSamples = await lag;
    expect(lagSamples.length).toBeGreaterThan(0);
    expect(lagSamples.every(value => typeof value === 'number')).toBe(true);
    await stack.all.waitUntilReady();
    reportFigure('getMore connection dropped', {
      faultMs: faultEnded - failing,
      droppedGetMores: dropped,
      convergedAfterChangeMs: convergedAt - failing,
      convergedAfterFaultMs: Math.max(0, convergedAt - faultEnded),
      maxLagS: Math.max(...(lagSamples as number[])),
    });
  });
});
