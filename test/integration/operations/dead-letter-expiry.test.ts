import { deadLetterJobId, toDeadLetterEntry } from '../../../src/dead-letter/dead-letter-entry';
import { MetricNames } from '../../../src/metrics/metric-names';
import { startAll, type AllProcess } from '../../support/all-process';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { waitUntil } from '../../support/wait-until';

const DAY_MS = 24 * 3600 * 1000;

/** SPEC §4: dead-letter entries expire by age, and /metrics shows the oldest one's age. */
describe('dead-letter expiry', () => {
  let h: SyncHarness;
  let all: AllProcess | undefined;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(async () => {
    await all?.stop();
    await h.close();
  });

  /** An entry as a failed job leaves it, parked `ageMs` ago. */
  async function park(jobId: string, ageMs: number): Promise<string> {
    const id = deadLetterJobId('manager-sync', jobId);
    const failed = { id: jobId, name: 'manager-sync', data: { userId: '0'.repeat(24) } };
    await h.queues
      .get('dead-letter')
      .add('manager-sync', toDeadLetterEntry(failed, 'manager-sync', new Error('boom'), 5), {
        jobId: id,
        attempts: 1,
        timestamp: Date.now() - ageMs,
      });
    return id;
  }

  it('the running process removes entries past RETAIN_DEAD_LETTER_DAYS, keeps the younger, reports the oldest age', async () => {
    const deadLetter = h.queues.get('dead-letter');
    const old = await park('old-1', 3 * DAY_MS);
    const young = await park('young-1', DAY_MS);

    const running = await startAll(h.processEnv({ RETAIN_DEAD_LETTER_DAYS: '2' }));
    all = running;
    // Logged once the run at start is done, and only because it removed something.
    await waitUntil('the expiry run at start', () => running.logLines(/expired dead-letter entries/) > 0, {
      timeoutMs: 60_000,
    });
    expect(await deadLetter.getJob(old)).toBeUndefined();
    expect(await deadLetter.getJob(young)).toBeDefined();
    expect(running.logLines(/expired dead-letter entries/)).toBe(1);
    expect(running.logLines(/"removed":1\b/)).toBe(1);

    const age = await running.metric(MetricNames.deadLetterOldestAge);
    expect(age).toBeGreaterThanOrEqual(DAY_MS / 1000);
    expect(age).toBeLessThan(DAY_MS / 1000 + 120);
    expect(await running.metric(MetricNames.deadLetterJobs)).toBe(1);

    // Replayed or deleted by an operator: nothing left, the age is 0.
    await (await deadLetter.getJob(young))?.remove();
    await waitUntil(
      'the age to read 0',
      async () => (await running.metric(MetricNames.deadLetterOldestAge)) === 0,
    );
  });
});
