/**
 * Hands out each queue once per process and closes them all. Producers (listener, resync, replay) and the
 * dashboard ask the registry instead of constructing queues, so a process never holds two `Queue`s for
 * one name and shutdown has a single place to close them.
 */
import type { Queue } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import type { QueueName } from './queue-names';
import { createQueue, type CreateQueueDeps } from './create-queue';

export type QueueFactory = (name: QueueName) => Queue;

export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly factory: QueueFactory,
    private readonly logger?: Logger,
  ) {}

  get(name: QueueName): Queue {
    if (this.closing) throw new Error(`QueueRegistry is closed; cannot open queue "${name}"`);
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = this.factory(name);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The queues opened so far, in the order they were opened. */
  opened(): Queue[] {
    return [...this.queues.values()];
  }

  /**
   * Closes every queue, even when some fail to close; rejects afterwards with all failures. Idempotent:
   * a second call returns the first call's promise.
   */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    // Wrapped so a close() that throws synchronously is collected like a rejection, not an early exit.
    const results = await Promise.allSettled(this.opened().map(async queue => queue.close()));
    const failures = results.flatMap(result =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    for (const failure of failures) this.logger?.error({ err: failure }, 'failed to close a queue');
    if (failures.length > 0)
      throw new AggregateError(failures, `${failures.length} queue(s) failed to close`);
  }
}

/** The registry every role uses: queues from `createQueue` on one shared connection. */
export function createQueueRegistry(deps: CreateQueueDeps): QueueRegistry {
  return new QueueRegistry(name => createQueue(name, deps) as Queue, deps.logger);
}
