import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { spawnCli, type CliProcess } from '../../support/cli-process';
import { assertNothingLeaked, trackBullmq, trackRedis } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { waitUntil } from '../../support/wait-until';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

/**
 * SPEC §6: the dashboard refuses requests without valid credentials, and for Bull Board's write API that
 * means nothing changes: an anonymous `PUT .../dead-letter/empty` must not cost an operator the failures
 * parked there. Every write route Bull Board serves (and DELETE, which it serves nowhere) is sent without
 * credentials and with a wrong password, and Redis is compared key by key before and after.
 */
describe('the dashboard write API without valid credentials', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  let client: Redis;
  let dashboard: CliProcess;
  let url: string;
  let prefix: string;
  const queues: Queue[] = [];

  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis();
    prefix = redis.queuePrefix();
    client = trackRedis(new Redis(redis.url), 'write-api snapshot');
    const queue = (name: string) => {
      const created = trackBullmq(
        new Queue(name, { connection: { url: redis.url }, prefix }),
        `queue ${name}`,
      );
      queues.push(created);
      return created;
    };
    await queue('dead-letter').add(
      'manager-sync',
      { queue: 'manager-sync', jobId: 'parked-1' },
      { jobId: 'manager-sync__parked-1' },
    );
    const managerSync = queue('manager-sync');
    await managerSync.add('manager-sync', { userIds: ['0123456789abcdef01234567'] }, { jobId: 'waiting-1' });
    await managerSync.add(
      'manager-sync',
      { userIds: ['0123456789abcdef01234568'] },
      { jobId: 'delayed-1', delay: 3_600_000 },
    );
    dashboard = spawnCli(['dashboard'], {
      MONGO_URL: mongo.urlFor(mongo.databaseName()),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'right password',
    });
    [, url] = await dashboard.waitFor(/"url":"(http:\/\/[^"]+)","dashboard"/);
    // The dashboard writes each queue's settings (`meta`) as it opens it, after it listens: the snapshot
    // is taken once all six hold its settings, or its own start-up would count as a change.
    const metas = [
      'owner-sync',
      'manager-sync',
      'specialist-sync',
      'responsible-rebuild',
      'task-cascade',
      'dead-letter',
    ];
    await waitUntil('the dashboard to open every queue', async () => {
      const values = await Promise.all(metas.map(name => client.dumpBuffer(`${prefix}:${name}:meta`)));
      return values.every(value => value !== null && value.equals(values[0] as Buffer));
    });
  });
  afterAll(async () => {
    expect(await dashboard?.stop()).toEqual({ code: 0, signal: null });
    for (const queue of queues) await queue.obliterate({ force: true }).catch(() => undefined);
    for (const queue of queues) await queue.close();
    await client?.quit();
    await redis?.release();
    await mongo?.release();
    await assertNothingLeaked();
  });

  /** Every key of the queues, with its value as DUMP serializes it: any write shows. */
  async function snapshot(): Promise<Map<string, string>> {
    const keys = (await client.keys(`${prefix}:*`)).sort();
    const values = await Promise.all(keys.map(key => client.dumpBuffer(key)));
    return new Map(keys.map((key, n) => [key, values[n]?.toString('base64') ?? '']));
  }

  // Bull Board's write routes (node_modules/@bull-board/api/dist/routes.js), on both kinds of queue.
  const writes = (queue: string, job: string): [string, string, unknown?][] => [
    ['PUT', '/api/queues/pause'],
    ['PUT', '/api/queues/resume'],
    ['POST', '/api/metrics/history/purge'],
    ['POST', `/api/queues/${queue}/add`, { name: 'x', data: { userIds: ['0123456789abcdef01234569'] } }],
    ['PUT', `/api/queues/${queue}/retry/failed`],
    ['PUT', `/api/queues/${queue}/promote`],
    ['PUT', `/api/queues/${queue}/clean/waiting`],
    ['PUT', `/api/queues/${queue}/clean/delayed`],
    ['PUT', `/api/queues/${queue}/pause`],
    ['PUT', `/api/queues/${queue}/resume`],
    ['PUT', `/api/queues/${queue}/concurrency`, { concurrency: 1 }],
    ['PUT', `/api/queues/${queue}/rate-limit`, { max: 1, duration: 1000 }],
    ['PUT', `/api/queues/${queue}/rate-limit/release`],
    ['PUT', `/api/queues/${queue}/empty`],
    ['PUT', `/api/queues/${queue}/obliterate`],
    ['PUT', `/api/queues/${queue}/job-schedulers/s/remove`],
    ['PATCH', `/api/queues/${queue}/job-schedulers/s`, { every: 1000 }],
    ['PUT', `/api/queues/${queue}/job-schedulers/s/run`],
    ['PUT', `/api/queues/${queue}/${job}/retry`],
    ['PUT', `/api/queues/${queue}/${job}/clean`],
    ['PUT', `/api/queues/${queue}/${job}/promote`],
    ['PUT', `/api/queues/${queue}/${job}/remove-unprocessed-children`],
    ['PATCH', `/api/queues/${queue}/${job}/update-data`, { data: {} }],
    ['PATCH', `/api/queues/${queue}/${job}/delay`, { delay: 0 }],
    ['PATCH', `/api/queues/${queue}/${job}/priority`, { priority: 1 }],
    ['DELETE', `/api/queues/${queue}/${job}`],
    ['DELETE', `/api/queues/${queue}`],
  ];
  const routes = [
    ...writes('dead-letter', 'manager-sync__parked-1'),
    ...writes('manager-sync', 'waiting-1'),
    ...writes('manager-sync', 'delayed-1'),
  ];

  it('answers 401 to every write route, anonymous or with a wrong password, and changes nothing', async () => {
    const before = await snapshot();
    expect(before.size).toBeGreaterThan(0);
    const answers: string[] = [];
    for (const authorization of [undefined, basic('ops', 'wrong password')]) {
      for (const [method, path, body] of routes) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(authorization === undefined ? {} : { authorization }),
          },
          body: JSON.stringify(body ?? {}),
        });
        await response.arrayBuffer();
        answers.push(`${response.status} ${method} ${path}`);
      }
    }
    expect(answers.filter(answer => !answer.startsWith('401 '))).toEqual([]);
    expect(await snapshot()).toEqual(before);
    const parked = await queues[0].getJobs(['waiting']);
    expect(parked.map(job => job.id)).toEqual(['manager-sync__parked-1']);
    expect(await queues[1].isPaused()).toBe(false);
  });
});
