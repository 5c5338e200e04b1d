/**
 * Waits until no copy is left to converge. The verdict is a count of the documents, as an operator would
 * check; but on the emulator, counting the 600,000 orders and tasks of 100,000 users holds its single
 * thread for about 7 s, stalling the service being measured. So the count runs only when the service's /metrics show no sync job
 * pending (cheap: Redis answers it), and never sooner than twice its last duration after the previous one:
 * counting costs at most a third of the server's time, and usually runs once or twice in all.
 */
import { round } from './stats';

export interface ConvergeOptions {
  /** Documents still to converge. */
  count: () => Promise<number>;
  /** False while the service still has work queued; undefined when it cannot tell (then counts decide). */
  idle: () => Promise<boolean | undefined>;
  /** `performance.now()` when the measured work started: every time below is since then. */
  startedAt: number;
  intervalMs: number;
  timeoutMs: number;
  progress: (message: string) => void;
}

export interface ConvergeResult {
  /**
   * Since `startedAt`, when the count that answered 0 was asked: the emulator answers a count atomically,
   * and with no job pending nothing else waits ahead of it. Undefined if no count answered 0 in time.
   */
  convergedMs: number | undefined;
  /** When that answer arrived: what an operator checking this way waits, counts included. */
  confirmedMs: number | undefined;
  /** Documents still to converge at the last count (undefined: never counted). */
  remaining: number | undefined;
  counts: number;
}

const PROGRESS_EVERY_MS = 10_000;
/** /metrics reads queue by queue: a job moving on between two reads can look like an empty pipeline once. */
const IDLE_READS_BEFORE_COUNT = 2;

export async function waitForConvergence(options: ConvergeOptions): Promise<ConvergeResult> {
  const since = () => performance.now() - options.startedAt;
  let counts = 0;
  let remaining: number | undefined;
  let nextCountAt = 0;
  let idleReads = 0;
  let lastProgress = performance.now();
  for (;;) {
    // A scrape that fails (the service busy) says nothing either way.
    const idle = await options.idle().catch(() => undefined);
    idleReads = idle === false ? 0 : idleReads + 1;
    if (idleReads >= IDLE_READS_BEFORE_COUNT && performance.now() >= nextCountAt) {
      const asked = since();
      remaining = await options.count();
      counts += 1;
      if (remaining === 0) return { convergedMs: asked, confirmedMs: since(), remaining, counts };
      nextCountAt = performance.now() + 2 * (since() - asked);
    }
    if (since() > options.timeoutMs) {
      return { convergedMs: undefined, confirmedMs: undefined, remaining, counts };
    }
    if (performance.now() - lastProgress > PROGRESS_EVERY_MS) {
      lastProgress = performance.now();
      const queues = idle === false ? 'jobs queued' : 'queues idle';
      const left = remaining === undefined ? 'not counted yet' : `${remaining} at the last count`;
      options.progress(`after ${round(since() / 1000)} s: ${queues}; documents to converge: ${left}`);
    }
    await new Promise(resolve => setTimeout(resolve, options.intervalMs));
  }
}
