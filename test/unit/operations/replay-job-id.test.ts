import { replayJobId, replayLineage } from '../../../src/operations/replay-job-id';
import { plural, summarizeByQueue } from '../../../src/operations/summarize-by-queue';

describe('replay job ids', () => {
  it('count replays of one original job instead of nesting suffixes', () => {
    expect(replayLineage('owner-sync-abc-1700000000-1')).toEqual({
      originalJobId: 'owner-sync-abc-1700000000-1',
      replays: 0,
    });
    expect(replayLineage('42-replay-1')).toEqual({ originalJobId: '42', replays: 1 });
    expect(replayLineage('42-replay-12')).toEqual({ originalJobId: '42', replays: 12 });
    expect(replayJobId('42', 2)).toBe('42-replay-2');
  });

  it('never contain the ":" BullMQ reserves', () => {
    expect(replayJobId('a:b:c', 1)).toBe('a-b-c-replay-1');
  });
});

describe('summarizeByQueue', () => {
  it('counts per queue, busiest first', () => {
    const items = [{ queue: 'manager-sync' }, { queue: 'owner-sync' }, { queue: 'owner-sync' }];
    expect(summarizeByQueue(items)).toBe('owner-sync ×2, manager-sync ×1');
    expect(summarizeByQueue([])).toBe('');
  });

  it('pluralizes', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
    expect(plural(0, 'failed job')).toBe('0 failed jobs');
  });
});
