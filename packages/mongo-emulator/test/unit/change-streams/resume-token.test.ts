import { Timestamp } from 'bson';
import type { Position } from '../../../src/change-streams/resume-token';
import {
  decodeResumeToken,
  encodeResumeToken,
  eventPosition,
  timePosition,
} from '../../../src/change-streams/resume-token';
import { MongoCommandError } from '../../../src/types';

const ts = (t: number, i: number) => new Timestamp({ t, i });

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof MongoCommandError ? error.code : -1;
  }
  return undefined;
}

describe('resume tokens', () => {
  it('round-trips every field of a position', () => {
    const positions: Position[] = [
      eventPosition(ts(1_700_000_000, 1), 0),
      eventPosition(ts(0xffffffff, 0xffffffff), 7),
      timePosition(ts(1_700_000_000, 0)),
      { ...eventPosition(ts(5, 2), 3), invalidate: true },
    ];
    for (const position of positions) {
      const token = encodeResumeToken(position);
      expect(token._data).toMatch(/^[0-9a-f]+$/);
      expect(decodeResumeToken(token)).toEqual(position);
    }
  });

  it('sorts by position when compared as strings', () => {
    const ordered: Position[] = [
      timePosition(ts(100, 0)),
      eventPosition(ts(100, 1), 0),
      timePosition(ts(100, 2)),
      eventPosition(ts(100, 2), 0),
      eventPosition(ts(100, 2), 1),
      { ...eventPosition(ts(100, 2), 1), invalidate: true },
      eventPosition(ts(100, 3), 0),
      timePosition(ts(101, 0)),
      eventPosition(ts(0x1_0000, 1), 0),
    ];
    const tokens = ordered.map(p => encodeResumeToken(p)._data);
    expect([...tokens].sort()).toEqual(tokens);
  });

  it('rejects tokens it never issued with InvalidResumeToken', () => {
    const good = encodeResumeToken(eventPosition(ts(1_700_000_000, 4), 0))._data;
    const flipped = good.slice(0, 12) + (good[12] === '0' ? '1' : '0') + good.slice(13);
    const forged = [
      { _data: flipped },
      { _data: good.slice(0, -2) },
      { _data: good.toUpperCase() },
      { _data: '8265A1B2C3000000012B022C0100296E5A1004' },
      { _data: 42 },
      { _data: good, extra: 1 },
      {},
      null,
    ];
    for (const token of forged) expect(codeOf(() => decodeResumeToken(token))).toBe(260);
  });
});
