import { deadLetterJobOptions, defaultJobOptions } from '../../../src/queues/default-job-options';

describe('defaultJobOptions', () => {
  it('retries JOB_ATTEMPTS times with exponential backoff and jitter from JOB_BACKOFF_MS', () => {
    expect(defaultJobOptions({ jobAttempts: 7, jobBackoffMs: 250 })).toEqual({
      attempts: 7,
      backoff: { type: 'exponential', delay: 250, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 604800, count: 10000 },
    });
  });

  it('keeps dead-letter entries until someone acts on them', () => {
    expect(deadLetterJobOptions()).toEqual({ attempts: 1, removeOnComplete: false, removeOnFail: false });
  });
});
