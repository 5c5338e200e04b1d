/**
 * Every resource a process opens registers how to release it, right where it is opened (graphile-worker's
 * `releasers`). Release runs in reverse order, so a worker closes before the connection it uses, and runs
 * every step even when one throws: one stuck queue must not keep the MongoDB pool open.
 */
import type { Logger } from '../logging/create-logger';

export type Release = () => void | Promise<void>;

export class Releasers {
  private readonly steps: { name: string; release: Release }[] = [];
  private releasing: Promise<void> | undefined;

  constructor(private readonly logger?: Logger) {}

  /** Registers `release` under a name used in logs. Registering after release started releases at once. */
  add(name: string, release: Release): void {
    if (this.releasing) {
      void this.runStep({ name, release }).catch(() => undefined);
      return;
    }
    this.steps.push({ name, release });
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

  private async runStep(step: { name: string; release: Release }): Promise<void> {
    try {
      await step.release();
      this.logger?.debug({ resource: step.name }, 'released');
    } catch (error) {
      this.logger?.error({ err: error, resource: step.name }, 'release failed');
      throw error;
    }
  }
}
