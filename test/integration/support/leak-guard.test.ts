/** The leak guard must catch what it promises to catch, or every test relying on it proves nothing. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Queue } from 'bullmq';
import {
  assertNothingLeaked,
  openResources,
  trackBullmq,
  trackChildProcess,
  trackResource,
} from '../../support/leak-guard';
import { acquireTestRedis, type TestRedis } from '../../support/redis';

describe('leak guard', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await acquireTestRedis();
  });
  afterAll(async () => {
    await redis.release();
  });

  it('passes when everything tracked was closed', async () => {
    const client = redis.connect();
    const child = trackChildProcess(spawn(process.execPath, ['-e', '']));
    await once(child, 'exit');
    await client.quit();
    await expect(assertNothingLeaked()).resolves.toBeUndefined();
  });

  it('fails naming an ioredis connection, a queue and a process left open, then forgets them', async () => {
    const client = redis.connect();
    const queue = trackBullmq(
      new Queue('leaky', { connection: { url: redis.url }, prefix: redis.queuePrefix() }),
    );
    const child = trackChildProcess(
      spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']),
      'sleeper',
    );
    trackResource({}, 'thing', 'never closed', () => true);

    await expect(assertNothingLeaked()).rejects.toThrow(
      /4 resource\(s\) open:[\s\S]*ioredis[\s\S]*Queue \(leaky\)[\s\S]*child process \(sleeper\)[\s\S]*thing/,
    );
    expect(openResources()).toEqual([]);

    child.kill('SIGKILL');
    await once(child, 'exit');
    await queue.close();
    await client.quit();
  });

  it('counts a BullMQ close as done only once it finished', async () => {
    const queue = trackBullmq(
      new Queue('closing', { connection: { url: redis.url }, prefix: redis.queuePrefix() }),
    );
    await queue.waitUntilReady();
    void queue.close();
    await expect(assertNothingLeaked()).resolves.toBeUndefined();
  });
});
