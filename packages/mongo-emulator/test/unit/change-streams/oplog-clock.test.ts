import { OplogClock } from '../../../src/change-streams/oplog-clock';

describe('OplogClock', () => {
  it('hands out strictly increasing times: t = unix seconds, i counts within the second from 1', () => {
    let wall = 1_700_000_000_500;
    const clock = new OplogClock(() => wall);
    const a = clock.tick();
    const b = clock.tick();
    wall += 1000;
    const c = clock.tick();
    expect([a.t, a.i]).toEqual([1_700_000_000, 1]);
    expect([b.t, b.i]).toEqual([1_700_000_000, 2]);
    expect([c.t, c.i]).toEqual([1_700_000_001, 1]);
  });

  it('never goes backwards when the wall clock does', () => {
    let wall = 1_700_000_100_000;
    const clock = new OplogClock(() => wall);
    const before = clock.tick();
    wall -= 60_000;
    const after = clock.tick();
    expect(after.t).toBe(before.t);
    expect(after.i).toBe(before.i + 1);
    expect(clock.current().greaterThanOrEqual(after)).toBe(true);
  });

  it('current() is the last time handed out until the wall clock is a second past it, then trails it by one', () => {
    let wall = 1_700_000_000_999;
    const clock = new OplogClock(() => wall);
    const event = clock.tick();
    wall += 1;
    expect(clock.current().equals(event)).toBe(true);
    wall += 3000;
    const idle = clock.current();
    expect([idle.t, idle.i]).toEqual([1_700_000_003, 0]);
    expect(clock.tick().greaterThan(idle)).toBe(true);
  });
});
