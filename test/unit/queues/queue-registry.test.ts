import type { Queue } from 'bullmq';
import { QueueRegistry } from '../../../src/queues/queue-registry';
import { QueueNames, type QueueName } from '../../../src/queues/queue-names';

/** Stands in for a BullMQ Queue: the registry only names and closes them. */
function fakeQueue(name: QueueName, close: () => Promise<void> = async () => {}) {
  return { name, close: jest.fn(close) } as unknown as Queue & { close: jest.Mock };
}

describe('QueueRegistry', () => {
  it('creates each queue once', () => {
    const factory = jest.fn((name: QueueName) => fakeQueue(name));
    const registry = new QueueRegistry(factory);
    const first = registry.get(QueueNames.ownerSync);
    expect(registry.get(QueueNames.ownerSync)).toBe(first);
    registry.get(QueueNames.deadLetter);
    expect(factory.mock.calls.map(([name]) => name)).toEqual(['owner-sync', 'dead-letter']);
    expect(registry.opened().map(queue => queue.name)).toEqual(['owner-sync', 'dead-letter']);
  });

  it('closes every queue even when one fails, then reports the failure', async () => {
    const queues = new Map<QueueName, Queue & { close: jest.Mock }>();
    const registry = new QueueRegistry(name => {
      const queue = fakeQueue(name, async () => {
        if (name === QueueNames.managerSync) throw new Error('manager-sync would not close');
      });
      queues.set(name, queue);
      return queue;
    });
    registry.get(QueueNames.ownerSync);
    registry.get(QueueNames.managerSync);
    registry.get(QueueNames.taskCascade);
    await expect(registry.close()).rejects.toThrow('1 queue(s) failed to close');
    for (const queue of queues.values()) expect(queue.close).toHaveBeenCalledTimes(1);
  });

  it('close is idempotent and the registry refuses new queues afterwards', async () => {
    const queue = fakeQueue(QueueNames.ownerSync);
    const registry = new QueueRegistry(() => queue);
    registry.get(QueueNames.ownerSync);
    const closing = registry.close();
    expect(registry.close()).toBe(closing);
    await closing;
    expect(queue.close).toHaveBeenCalledTimes(1);
    expect(() => registry.get(QueueNames.specialistSync)).toThrow('closed');
  });
});
