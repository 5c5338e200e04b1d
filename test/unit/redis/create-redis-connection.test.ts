import { reconnectDelay } from '../../../src/redis/create-redis-connection';

describe('reconnectDelay', () => {
  it('grows exponentially from 100 ms', () => {
    const high = () => 1;
    expect([1, 2, 3, 4, 5].map(attempt => reconnectDelay(attempt, 60_000, high))).toEqual([
      100, 200, 400, 800, 1600,
    ]);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    for (const attempt of [10, 50, 1000, 1e6]) {
      expect(reconnectDelay(attempt, 5000, () => 1)).toBe(5000);
    }
  });

  it('spreads delays between half and the full step', () => {
    expect(reconnectDelay(4, 60_000, () => 0)).toBe(400);
    expect(reconnectDelay(4, 60_000, () => 0.5)).toBe(600);
  });
});
