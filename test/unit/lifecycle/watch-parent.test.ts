import { watchParent } from '../../../src/lifecycle/watch-parent';

describe('watchParent', () => {
  afterEach(() => jest.useRealTimers());

  it('calls back once when the parent pid changes (the parent died and this process was re-parented)', () => {
    jest.useFakeTimers();
    let ppid = 100;
    const gone = jest.fn();
    watchParent(gone, { everyMs: 500, parentPid: () => ppid });
    jest.advanceTimersByTime(2000);
    expect(gone).not.toHaveBeenCalled();
    ppid = 1;
    jest.advanceTimersByTime(500);
    ppid = 7;
    jest.advanceTimersByTime(2000);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('stops watching when asked', () => {
    jest.useFakeTimers();
    let ppid = 100;
    const gone = jest.fn();
    const stop = watchParent(gone, { everyMs: 500, parentPid: () => ppid });
    stop();
    ppid = 1;
    jest.advanceTimersByTime(2000);
    expect(gone).not.toHaveBeenCalled();
  });
});
