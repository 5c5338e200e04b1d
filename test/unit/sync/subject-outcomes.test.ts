import { DEAD_LETTERED, summarizeOutcomes } from '../../../src/sync/subject-outcomes';

describe('a batch job’s return value', () => {
  const hex = (n: number) => n.toString(16).padStart(24, '0');

  it('counts each outcome and names only the subjects sent to dead-letter', () => {
    const outcomes = new Map([
      [hex(1), 'synced'],
      [hex(2), 'user-not-found'],
      [hex(3), DEAD_LETTERED],
      [hex(4), 'synced'],
      ['not-an-id', DEAD_LETTERED],
    ]);
    expect(summarizeOutcomes(outcomes)).toEqual({
      outcomes: { synced: 2, 'user-not-found': 1, 'dead-lettered': 2 },
      failed: [hex(3), 'not-an-id'],
    });
  });

  it('does not grow with the batch: 500 users that all synced are under 64 bytes of JSON', () => {
    const outcomes = new Map(Array.from({ length: 500 }, (_, n) => [hex(n), 'synced'] as const));
    const summary = summarizeOutcomes(outcomes);
    expect(summary).toEqual({ outcomes: { synced: 500 }, failed: [] });
    expect(JSON.stringify(summary).length).toBeLessThan(64);
  });

  it('is empty for a job with no subjects (accounts without an owner)', () => {
    expect(summarizeOutcomes(new Map())).toEqual({ outcomes: {}, failed: [] });
  });
});
