import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { handleShutdownSignals } from '../../../src/lifecycle/handle-shutdown-signals';
import { Releasers } from '../../../src/lifecycle/releasers';
import { createLogger } from '../../../src/logging/create-logger';

const logger = createLogger({
  logLevel: 'silent',
  logPretty: false,
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

function setup(timeoutMs = 1000) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const releasers = new Releasers();
  const clock = { now: 0 };
  const handle = handleShutdownSignals({
    releasers,
    logger,
    timeoutMs,
    signals,
    exit: code => exits.push(code),
    duplicateWindowMs: 1000,
    now: () => clock.now,
  });
  return { signals, exits, releasers, handle, clock };
}

const flush = () => new Promise(resolve => setImmediate(resolve));

describe('handleShutdownSignals', () => {
  afterEach(() => jest.useRealTimers());

  it.each(['SIGTERM', 'SIGINT'])('releases everything on %s, then exits 0', async signal => {
    const { signals, exits, releasers } = setup();
    const released: string[] = [];
    releasers.add('queue', () => void released.push('queue'));
    signals.emit(signal);
    await flush();
    expect(released).toEqual(['queue']);
    expect(exits).toEqual([0]);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('exits 1 when a release step fails, after running the others', async () => {
    const { signals, exits, releasers } = setup();
    const released: string[] = [];
    releasers.add('mongo', () => void released.push('mongo'));
    releasers.add('worker', () => Promise.reject(new Error('stuck')));
    signals.emit('SIGTERM');
    await flush();
    expect(released).toEqual(['mongo']);
    expect(exits).toEqual([1]);
  });

  it('forces exit on a second signal while releasing', async () => {
    const { signals, exits, releasers, clock } = setup();
    releasers.add('slow', () => new Promise<void>(() => {}));
    signals.emit('SIGTERM');
    await flush();
    expect(exits).toEqual([]);
    clock.now = 1000;
    signals.emit('SIGINT');
    expect(exits).toEqual([130]);
  });

  it('takes the same Ctrl-C forwarded again by a parent (npm, tsx) for the first one, not a second', async () => {
    const { signals, exits, releasers, clock } = setup();
    let finish: () => void = () => {};
    releasers.add('slow', () => new Promise<void>(resolve => (finish = resolve)));
    signals.emit('SIGINT');
    clock.now = 999;
    signals.emit('SIGINT');
    await flush();
    expect(exits).toEqual([]);
    finish();
    await flush();
    expect(exits).toEqual([0]);
  });

  it('takes a second SIGTERM at its word, however soon: one sender sends it, to one process', async () => {
    const { signals, exits, releasers } = setup();
    releasers.add('slow', () => new Promise<void>(() => {}));
    signals.emit('SIGTERM');
    signals.emit('SIGTERM');
    expect(exits).toEqual([130]);
  });

  it('forces exit when release outlasts the timeout', async () => {
    jest.useFakeTimers();
    const { signals, exits, releasers } = setup(5000);
    releasers.add('slow', () => new Promise<void>(() => {}));
    signals.emit('SIGTERM');
    jest.advanceTimersByTime(4999);
    expect(exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
  });

  it('shuts down on request, like a signal', async () => {
    const { exits, releasers, handle } = setup();
    const release = jest.fn();
    releasers.add('server', release);
    await handle.shutdown('command finished');
    expect(release).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([0]);
  });
});
