/**
 * Every resource a process opens registers how to release it, right where it is opened (graphile-worker's
 * `releasers`). Release runs in reverse order, so a worker closes before the connection it uses, and runs
 * every step even when one throws: one stuck queue must not keep the MongoDB pool open.
 *
 * A step that only waits on a server (closing a connection, the listener's last checkpoint) can be given
 * `timeoutMs`: when the server does not answer, release moves on after it instead of spending the whole
 * shutdown budget there, and the steps after it still run. The step is left running, not failed: what it
 * waited for is safe to drop (the process exit closes the sockets), so shutdown still ends with exit 0.
 */
import type { Logger } from '../logging/create-logger';

export type Release = () => void | Promise<void>;

export interface ReleaseOptions {
  /** Move on after this long, leaving the step unfinished (logged as a warning). @defaultValue no bound */
  timeoutMs?: number;
}

interface Step extends ReleaseOptions {
  name: string;
  release: Release;
}

export class Releasers {
  private readonly steps: Step[] = [];
  private releasing: Promise<void> | undefined;

  constructor(private readonly logger?: Logger) {}

  /** Registers `release` under a name used in logs. Registering after release started releases at once. */
  add(name: string, release: Release, options: ReleaseOptions = {}): void {
    const step = { name, release, ...options };
    if (this.releasing) {
      void this.runStep(step).catch(() => undefined);
      return;
    }
    this.steps.push(step);
  }

  get size(): number {
    return this.steps.length;
  }

  /** Idempotent: the second call returns the first call's promise. Rejects with every failure at the end. */
  release(): Promise<void> {
    this.releasing ??= this.releaseAll();
    return this.releasing;
  }

  private async releaseAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await this.runStep(step);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} release step(s) failed`);
  }

  private async runStep(step: Step): Promise<void> {
    const started = Date.now();
    try {
      // A release that throws synchronously is a failure like a rejection.
      const released = Promise.resolve().then(step.release);
      if (step.timeoutMs !== undefined && !(await settlesWithin(released, step.timeoutMs))) {
        this.logger?.warn(
          { resource: step.name, timeoutMs: step.timeoutMs },
          'release did not finish in time (a server is not answering); moving on',
        );
        return;
      }
      await released;
      this.logger?.debug({ resource: step.name, ms: Date.now() - started }, 'released');
    } catch (error) {
      this.logger?.error({ err: error, resource: step.name }, 'release failed');
      throw error;
    }
  }
}

/** True when `promise` settles (either way) within `ms`; its outcome is left to the caller to await. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>(resolve => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
