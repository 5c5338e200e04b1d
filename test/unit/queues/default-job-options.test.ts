import { loadConfig } from '../../../src/config/load-config';
import { deadLetterJobOptions, defaultJobOptions } from '../../../src/queues/default-job-options';

describe('defaultJobOptions', () => {
  it('retries JOB_ATTEMPTS times with exponential backoff and jitter, keeping what RETAIN_* allows', () => {
    const config = loadConfig({
      JOB_ATTEMPTS: '7',
      JOB_BACKOFF_MS: '250',
      RETAIN_COMPLETED_SECONDS: '60',
      RETAIN_COMPLETED_JOBS: '5',
      RETAIN_FAILED_SECONDS: '120',
      RETAIN_FAILED_JOBS: '9',
    });
    expect(defaultJobOptions(config)).toEqual({
      attempts: 7,
      backoff: { type: 'exponential', delay: 250, jitter: 0.5 },
      removeOnComplete: { age: 60, count: 5 },
      removeOnFail: { age: 120, count: 9 },
    });
  });

  it('keeps an hour or 100 completed jobs, and a week or 100 failed ones, by default', () => {
    expect(defaultJobOptions(loadConfig({}))).toMatchObject({
      removeOnComplete: { age: 3600, count: 100 },
      removeOnFail: { age: 604800, count: 100 },
    });
  });

  it('keeps dead-letter entries until someone acts on them', () => {
    expect(deadLetterJobOptions()).toEqual({ attempts: 1, removeOnComplete: false, removeOnFail: false });
  });
});
