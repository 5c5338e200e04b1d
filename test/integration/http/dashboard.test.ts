import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { Queue } from 'bullmq';
import { assertNothingLeaked, trackBullmq } from '../../support/leak-guard';
import { spawnCli, type CliProcess } from '../../support/cli-process';

const ALL_SIX = [
  'owner-sync',
  'manager-sync',
  'specialist-sync',
  'responsible-rebuild',
  'task-cascade',
  'dead-letter',
];
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

/** `user-sync dashboard` as operators run it: a process, configured by environment. */
describe('user-sync dashboard', () => {
  let mongo: TestMongo;
  let redis: TestRedis;
  beforeAll(async () => {
    mongo = await acquireTestMongo();
    redis = await acquireTestRedis();
  });
  afterAll(async () => {
    await redis.release();
    await mongo.release();
    await assertNothingLeaked();
  });

  function envFor(extra: Record<string, string>): Record<string, string> {
    return {
      MONGO_URL: mongo.urlFor(mongo.databaseName()),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.queuePrefix(),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    };
  }

  async function start(extra: Record<string, string>): Promise<{ process: CliProcess; url: string }> {
    const dashboard = spawnCli(['dashboard'], envFor(extra));
    // The line that says the board is served: the server listens earlier, while the role waits for its servers.
    const [, url] = await dashboard.waitFor(/"url":"(http:\/\/[^"]+)","dashboard"/);
    return { process: dashboard, url };
  }

  describe('with credentials', () => {
    let dashboard: CliProcess;
    let url: string;
    let prefix: string;
    beforeAll(async () => {
      prefix = redis.queuePrefix();
      ({ process: dashboard, url } = await start({
        QUEUE_PREFIX: prefix,
        DASHBOARD_USER: 'ops',
        DASHBOARD_PASSWORD: 'correct horse: battery',
      }));
    });
    afterAll(async () => {
      expect(await dashboard.stop()).toEqual({ code: 0, signal: null });
    });

    it('refuses the board and its API without credentials or with wrong ones (401)', async () => {
      const anonymous = await fetch(`${url}/`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      for (const authorization of [
        basic('ops', 'wrong'),
        basic('someone', 'correct horse: battery'),
        basic('ops', 'correct horse: battery!'),
        basic('', ''),
        'Bearer abc',
        'Basic not-base64-at-all!',
      ]) {
        expect((await fetch(`${url}/`, { headers: { authorization } })).status).toBe(401);
        expect((await fetch(`${url}/api/queues`, { headers: { authorization } })).status).toBe(401);
      }
    });

    it('serves Bull Board with every queue, dead-letter included, to the right credentials (200)', async () => {
      const authorization = basic('ops', 'correct horse: battery');
      const page = await fetch(`${url}/`, { headers: { authorization } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toMatch(/<title>user-sync<\/title>/);

      const api = await fetch(`${url}/api/queues`, { headers: { authorization } });
      expect(api.status).toBe(200);
      const { queues } = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
      expect(queues.map(queue => queue.name).sort()).toEqual([...ALL_SIX].sort());
      expect(queues.every(queue => queue.readOnlyMode === false)).toBe(true);
    });

    it('presents dead-letter as a parking lot: described, no retry, no "no workers" alarm, entries under waiting', async () => {
      const deadLetter = trackBullmq(
        new Queue('dead-letter', { connection: { url: redis.url }, prefix }),
        'queue dead-letter',
      );
      try {
        await deadLetter.add(
          'manager-sync',
          { queue: 'manager-sync', jobId: 'parked-1' },
          { jobId: 'manager-sync__parked-1' },
        );
        const authorization = basic('ops', 'correct horse: battery');
        const { queues } = (await (
          await fetch(`${url}/api/queues`, { headers: { authorization } })
        ).json()) as {
          queues: {
            name: string;
            displayName?: string;
            description?: string;
            allowRetries: boolean;
            hasWorkers: boolean | null;
            counts: Record<string, number>;
          }[];
        };
        const byName = new Map(queues.map(queue => [queue.name, queue]));
        expect(byName.get('dead-letter')).toMatchObject({
          displayName: 'dead-letter (parked failures)',
          description: expect.stringMatching(/^Parked failures, not a backlog: .*user-sync replay --all/),
          allowRetries: false,
          // Unknown rather than none: Bull Board shows its "No workers" badge only for false.
          hasWorkers: null,
          // Bull Board has no state of our choosing: an entry nothing consumes counts as waiting.
          counts: expect.objectContaining({ waiting: 1 }),
        });
        // A sync queue nobody serves still raises the alarm (no worker runs beside this dashboard).
        expect(byName.get('manager-sync')).toMatchObject({ hasWorkers: false, allowRetries: true });
      } finally {
        await deadLetter.obliterate({ force: true });
        await deadLetter.close();
      }
    });

    it('leaves /healthz, /readyz and /metrics open', async () => {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      // No listener runs in the dashboard: MongoDB and Redis are what it needs.
      expect(await ready.json()).toEqual({ status: 'ready', checks: { mongodb: 'ok', redis: 'ok' } });
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(
        /^user_sync_queue_jobs\{queue="dead-letter",state="waiting",role="dashboard"\} 0$/m,
      );
    });
  });

  it('refuses to start without credentials, naming DASHBOARD_USER and DASHBOARD_PASSWORD (exit 1)', async () => {
    const dashboard = spawnCli(['dashboard'], envFor({}));
    expect(await dashboard.exited).toEqual({ code: 1, signal: null });
    expect(dashboard.stderr()).toMatch(/DASHBOARD_USER/);
    expect(dashboard.stderr()).toMatch(/DASHBOARD_PASSWORD/);
  });

  it('refuses DASHBOARD_AUTH=none on a public interface (exit 1)', async () => {
    const dashboard = spawnCli(['dashboard'], envFor({ DASHBOARD_AUTH: 'none', HOST: '0.0.0.0' }));
    expect(await dashboard.exited).toEqual({ code: 1, signal: null });
    expect(dashboard.stderr()).toMatch(/DASHBOARD_AUTH/);
  });

  it('runs open on 127.0.0.1 with DASHBOARD_AUTH=none, and read-only with DASHBOARD_READ_ONLY=true', async () => {
    const { process: dashboard, url } = await start({ DASHBOARD_AUTH: 'none', DASHBOARD_READ_ONLY: 'true' });
    try {
      expect((await fetch(`${url}/`)).status).toBe(200);
      const { queues } = (await (await fetch(`${url}/api/queues`)).json()) as {
        queues: { readOnlyMode: boolean }[];
      };
      expect(queues).toHaveLength(6);
      expect(queues.every(queue => queue.readOnlyMode)).toBe(true);
    } finally {
      expect(await dashboard.stop()).toEqual({ code: 0, signal: null });
    }
  });
});
