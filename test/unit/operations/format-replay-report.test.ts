import { formatReplayReport } from '../../../src/operations/format-replay-report';
import type { ReplayedEntry } from '../../../src/operations/replay-dead-letters';

const entry = (
  deadLetterId: string,
  newJobId: string,
  extra: Partial<ReplayedEntry> = {},
): ReplayedEntry => ({
  deadLetterId,
  queue: 'manager-sync',
  originalJobId: 'x',
  newJobId,
  ...extra,
});

describe('formatReplayReport', () => {
  it('counts new jobs apart from entries when an entry joined a job that was already there', () => {
    const text = formatReplayReport({
      replayed: [
        entry('manager-sync__x', 'x-replay-2'),
        entry('manager-sync__x-replay-1', 'x-replay-2', { joined: { state: 'waiting' } }),
      ],
      skipped: [],
    });
    expect(text).toBe(
      [
        'replayed 2 entries as 1 new job (1 entry joined an existing job): manager-sync ×2',
        '  manager-sync__x -> manager-sync job x-replay-2',
        '  manager-sync__x-replay-1 -> manager-sync job x-replay-2 (joined the existing job, waiting)',
        '',
      ].join('\n'),
    );
  });

  it('says one new job per entry when none joined, and names an id that matched nothing', () => {
    expect(
      formatReplayReport({ replayed: [entry('manager-sync__a', 'a-replay-1')], skipped: [] }).split('\n')[0],
    ).toBe('replayed 1 entry as 1 new job: manager-sync ×1');
    expect(formatReplayReport({ replayed: [], skipped: [] }, 'nope')).toBe(
      'replayed 0 entries\n  no dead-letter entry has the id nope (already replayed?)\n',
    );
  });
});
