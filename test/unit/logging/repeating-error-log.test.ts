import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging/create-logger';
import { RepeatingErrorLog } from '../../../src/logging/repeating-error-log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    logLevel: 'info',
    logPretty: false,
    destination: new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    }),
  });
  return { lines, logger };
}

describe('RepeatingErrorLog (SPEC §6: once per distinct error every 30 s, with a count)', () => {
  it('logs the first occurrence, holds back repeats for 30 s, then logs again with their count', () => {
    const { lines, logger } = capture();
    let now = 0;
    const log = new RepeatingErrorLog(logger, 30_000, () => now);
    for (let i = 0; i < 5000; i += 1) {
      log.log('warn', 'OOM', {}, 'Redis error: OOM');
      now += 5;
    }
    // 25 s of errors at 200 a second: one line.
    expect(lines.map(line => line.msg)).toEqual(['Redis error: OOM']);
    now = 30_000;
    log.log('warn', 'OOM', {}, 'Redis error: OOM');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ msg: 'Redis error: OOM', repeated: 4999, windowSeconds: 30 });
  });

  it('logs each distinct error on its own', () => {
    const { lines, logger } = capture();
    const log = new RepeatingErrorLog(logger, 30_000, () => 0);
    log.log('warn', 'OOM', {}, 'Redis error: OOM');
    log.log('warn', 'MOVED', {}, 'Redis error: MOVED');
    log.log('warn', 'OOM', {}, 'Redis error: OOM');
    expect(lines.map(line => line.msg)).toEqual(['Redis error: OOM', 'Redis error: MOVED']);
  });
});
