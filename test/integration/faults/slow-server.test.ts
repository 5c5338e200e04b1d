import { MetricNames } from '../../../src/metrics/metric-names';
import { ALL_APP_NAME } from '../../support/all-process';
import { useAllStack } from '../../support/all-stack';
import { failCommand, failPointOff } from '../../support/fail-command';
import { reportFigure, sampleWhile } from '../../support/fault-figures';
import { seedCopiedUsers } from '../../support/user-copies';
import { waitUntil } from '../../support/wait-until';

/**
 * SPEC §6: a slow server. For 5 s every read, write and getMore of the service takes 1.5 s longer
 * (`blockConnection`). The listener falls behind, which /metrics shows, and every change still converges,
 * with nothing in dead-letter.
 */
describe('a slow server (blockConnection)', () => {
  const stack = useAllStack({ clearFailPoints: true });

  it('every change converges; the lag shows on /metrics meanwhile; nothing is dead-lettered', async () => {
    const copies = await seedCopiedUsers(stack.db, 5);
    await copies.rename('Before');
    await copies.converged(30_000);

    await failCommand(stack.client, 'alwaysOn', {
      failCommands: ['find', 'update', 'findAndModify', 'aggregate', 'getMore'],
      blockConnection: true,
      blockTimeMS: 1_500,
      appName: ALL_APP_NAME,
    });
    const slow = Date.now();
    await copies.rename('Slow');
    const converging = copies.converged().then(() => Date.now());
    const lag = sampleWhile(converging, () => stack.all.metric(MetricNames.listenerLag));
    await waitUntil('the slowness to last 5 s', () => Date.now() - slow > 5_000, { timeoutMs: 10_000 });
    const slowed = await failPointOff(stack.client);
    const faultEnded = Date.now();
    const convergedAt = await converging;

    expect(slowed).toBeGreaterThan(1);
    expect(await stack.all.metric(MetricNames.deadLetterJobs)).toBe(0);
    expect(await stack.all.metricSum(MetricNames.jobsFailed)).toBe(0);
    const lagSamples = (await lag) as number[];
    expect(Math.max(...lagSamples)).toBeGreaterThanOrEqual(1);
    await stack.all.waitUntilReady();
    reportFigure('slow server (1.5 s per command for 5 s)', {
      slowedCommands: slowed,
      convergedAfterChangeMs: convergedAt - slow,
      convergedAfterFaultMs: Math.max(0, convergedAt - faultEnded),
      maxLagS: Math.max(...lagSamples),
    });
  });
});
