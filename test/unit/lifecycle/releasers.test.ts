import { Releasers } from '../../../src/lifecycle/releasers';

describe('Releasers', () => {
  it('releases in reverse order of registration', async () => {
    const order: string[] = [];
    const releasers = new Releasers();
    releasers.add('mongo', () => void order.push('mongo'));
    releasers.add('redis', async () => void order.push('redis'));
    releasers.add('worker', () => void order.push('worker'));
    await releasers.release();
    expect(order).toEqual(['worker', 'redis', 'mongo']);
  });

  it('runs every step when some throw, then rejects with all failures', async () => {
    const order: string[] = [];
    const releasers = new Releasers();
    releasers.add('a', () => void order.push('a'));
    releasers.add('b', () => {
      throw new Error('b broke');
    });
    releasers.add('c', async () => {
      order.push('c');
      throw new Error('c broke');
    });
    releasers.add('d', () => void order.push('d'));
    const failure = await releasers.release().catch((error: unknown) => error);
    expect(order).toEqual(['d', 'c', 'a']);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors.map(error => (error as Error).message)).toEqual([
      'c broke',
      'b broke',
    ]);
  });

  it('is idempotent: a second release returns the same promise and runs nothing twice', async () => {
    const release = jest.fn();
    const releasers = new Releasers();
    releasers.add('once', release);
    const first = releasers.release();
    const second = releasers.release();
    expect(second).toBe(first);
    await first;
    await releasers.release();
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('releases at once what is registered after release began', async () => {
    const releasers = new Releasers();
    await releasers.release();
    const late = jest.fn();
    releasers.add('late', late);
    await new Promise(resolve => setImmediate(resolve));
    expect(late).toHaveBeenCalledTimes(1);
  });
  it('moves on from a step that outlasts its timeout, runs the rest, and counts it as no failure', async () => {
    const order: string[] = [];
    const warnings: unknown[] = [];
    const logger = { warn: (fields: unknown) => warnings.push(fields), debug: () => undefined };
    const releasers = new Releasers(logger as never);
    releasers.add('mongodb', () => void order.push('mongodb'));
    releasers.add('listener', () => new Promise<void>(() => order.push('listener started')), {
      timeoutMs: 50,
    });
    const started = Date.now();
    await releasers.release();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(order).toEqual(['listener started', 'mongodb']);
    expect(warnings).toEqual([{ resource: 'listener', timeoutMs: 50 }]);
  });

  it('still reports a step with a timeout that fails in time', async () => {
    const releasers = new Releasers();
    releasers.add('redis', () => Promise.reject(new Error('redis broke')), { timeoutMs: 1000 });
    const failure = await releasers.release().catch((error: unknown) => error);
    expect((failure as AggregateError).errors.map(error => (error as Error).message)).toEqual([
      'redis broke',
    ]);
  });
});
