import pino from 'pino';
import {
  DAY_MS,
  startDeadLetterExpiry,
  type ExpirableDeadLetter,
} from '../../../src/dead-letter/expire-dead-letters';
import { waitUntil } from '../../support/wait-until';

/**
 * Dead-letter as BullMQ keeps it: entries in `wait`, newest at the head; `clean` with a limit looks at that
 * many entries from the tail and removes those older than the grace (the cleanJobsInSet script).
 */
function deadLetterOf(ages: number[]) {
  const wait = ages.map((age, n) => ({ id: `entry-${n}`, timestamp: Date.now() - age }));
  wait.sort((a, b) => b.timestamp - a.timestamp);
  const queue = {
    getJobs: async (types: string[], _start: number, _end: number, asc: boolean) =>
      types.includes('wait') && asc && wait.length > 0 ? [wait[wait.length - 1]] : [],
    clean: async (grace: number, limit: number, state: string) => {
      if (state !== 'wait') return [];
      const tail = wait.slice(-limit);
      const expired = tail.filter(entry => entry.timestamp <= Date.now() - grace);
      for (const entry of expired) wait.splice(wait.indexOf(entry), 1);
      return expired.map(entry => entry.id);
    },
  };
  return { queue: queue as unknown as ExpirableDeadLetter, left: () => wait.map(entry => entry.id) };
}

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('dead-letter expiry (RETAIN_DEAD_LETTER_DAYS)', () => {
  afterEach(() => jest.useRealTimers());

  it('removes at start the entries older than the retention, keeps the younger, and says how many', async () => {
    const { queue, left } = deadLetterOf([31 * DAY_MS, 29 * DAY_MS, 45 * DAY_MS, 1000]);
    const { logger, lines } = capturedLogger();
    const expiry = startDeadLetterExpiry({ deadLetter: queue, maxAgeDays: 30, logger });
    await waitUntil('the run at start', () => lines.length > 0);
    await expiry.stop();

    expect(left().sort()).toEqual(['entry-1', 'entry-3']);
    expect(lines.filter(line => line.level === 30)).toEqual([
      expect.objectContaining({ removed: 2, maxAgeDays: 30 }),
    ]);
  });

  it('removes a backlog larger than one batch in one run', async () => {
    const { queue, left } = deadLetterOf([
      ...Array.from({ length: 2500 }, () => 40 * DAY_MS),
      ...Array.from({ length: 10 }, () => DAY_MS),
    ]);
    const { logger, lines } = capturedLogger();
    const expiry = startDeadLetterExpiry({ deadLetter: queue, maxAgeDays: 30, logger });
    await waitUntil('the run at start', () => lines.length > 0);
    await expiry.stop();

    expect(left()).toHaveLength(10);
    expect(lines).toEqual([expect.objectContaining({ removed: 2500 })]);
  });

  it('runs again every interval, logs nothing when nothing expired, and stops for good', async () => {
    jest.useFakeTimers();
    const { queue, left } = deadLetterOf([29.9 * DAY_MS]);
    const { logger, lines } = capturedLogger();
    const expiry = startDeadLetterExpiry({ deadLetter: queue, maxAgeDays: 30, logger, everyMs: 600_000 });
    await jest.advanceTimersByTimeAsync(0);
    expect(left()).toHaveLength(1);
    expect(lines).toEqual([]);

    // Three hours on, the entry is past 30 days: the next run removes it.
    await jest.advanceTimersByTimeAsync(3 * 3600 * 1000);
    expect(left()).toHaveLength(0);
    expect(lines).toEqual([expect.objectContaining({ removed: 1 })]);

    await expiry.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('tells RedisHealth of a Redis error, and the next run removes what the failed one could not', async () => {
    jest.useFakeTimers();
    const { queue, left } = deadLetterOf([31 * DAY_MS]);
    const clean = queue.clean.bind(queue);
    let refusals = 1;
    queue.clean = async (...args: Parameters<typeof clean>) => {
      if (refusals-- > 0)
        throw Object.assign(new Error("OOM command not allowed when used memory > 'maxmemory'."), {
          name: 'ReplyError',
        });
      return clean(...args);
    };
    const reported: string[] = [];
    const { logger, lines } = capturedLogger();
    const expiry = startDeadLetterExpiry({
      deadLetter: queue,
      maxAgeDays: 30,
      logger,
      redisHealth: {
        report: (error, where) => Boolean(reported.push(`${where}: ${(error as Error).message}`)),
      },
      everyMs: 600_000,
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(reported).toEqual([expect.stringMatching(/^dead-letter expiry: OOM/)]);
    expect(left()).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(600_000);
    expect(left()).toHaveLength(0);
    expect(lines).toEqual([expect.objectContaining({ removed: 1 })]);
    await expiry.stop();
  });
});
