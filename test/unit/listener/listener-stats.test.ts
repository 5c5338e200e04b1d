import { ListenerStats } from '../../../src/listener/listener-stats';

describe('ListenerStats lag', () => {
  it('is 0 before the listener ever led', () => {
    expect(new ListenerStats().lagMs(1_000_000)).toBe(0);
  });

  it('counts from the last enqueued event while behind', () => {
    const stats = new ListenerStats();
    stats.lastEventClusterTimeMs = 10_000;
    expect(stats.lagMs(12_500)).toBe(2_500);
  });

  it('keeps growing from the last "caught up" while nothing arrives (MongoDB away)', () => {
    const stats = new ListenerStats();
    stats.markCaughtUp(50_000);
    expect(stats.lagMs(50_200)).toBe(200);
    expect(stats.lagMs(80_000)).toBe(30_000);
  });

  it('is 0 again on a standby', () => {
    const stats = new ListenerStats();
    stats.markCaughtUp(50_000);
    stats.standBy();
    expect(stats.lagMs(80_000)).toBe(0);
  });
});
