import pino from 'pino';
import { RedisHealth } from '../../../src/redis/redis-health';

const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

describe('RedisHealth: what /readyz and /metrics say of Redis (SPEC §6)', () => {
  it('names the error itself while it was seen within the window, and forgets it after', () => {
    let now = 1_000_000;
    const health = new RedisHealth(pino({ level: 'silent' }), 30_000, () => now);
    expect(() => health.check()).not.toThrow();
    health.report(reply("OOM command not allowed when used memory > 'maxmemory'."), 'worker owner-sync');
    now += 2000;
    health.report(reply("OOM command not allowed when used memory > 'maxmemory'."), 'listener');
    expect(() => health.check()).toThrow(
      "OOM command not allowed when used memory > 'maxmemory'. (2 times in 2 s, last 0 s ago)",
    );
    now += 31_000;
    expect(() => health.check()).not.toThrow();
    expect(health.counts().get('OOM')).toBe(2);
  });

  it('leads with the newest error and names the others', () => {
    let now = 0;
    const health = new RedisHealth(pino({ level: 'silent' }), 30_000, () => now);
    health.report(reply('MOVED 3999 127.0.0.1:7001'), 'worker');
    now += 1000;
    health.report(reply('WRONGPASS invalid username-password pair or user is disabled.'), 'connection');
    expect(() => health.check()).toThrow(/^WRONGPASS invalid .*; also MOVED\)$/);
  });

  it('leaves errors that are not Redis errors to the caller', () => {
    const health = new RedisHealth(pino({ level: 'silent' }));
    expect(health.report(new Error('order 1: manager must be an ObjectId'), 'worker')).toBe(false);
    expect(() => health.check()).not.toThrow();
  });
});
