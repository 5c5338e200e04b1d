import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { freePort } from '../../../src/dev/free-port';
import { kill, launchRedis, untilAnswering } from '../../support/redis-process';
import { assertNothingLeaked, trackMongoClient } from '../../support/leak-guard';
import { spawnCli } from '../../support/cli-process';
import { waitUntil } from '../../support/wait-until';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const metaOf = (user: Document) => ({
  id: user._id,
  name: user.name,
  email: user.email,
  phone: user.phone ?? '',
  image: user.image ?? null,
});

/**
 * `user-sync dev` with nothing configured, as a newcomer runs it: the embedded MongoDB emulator, a
 * redis-server of its own, sample data, printed credentials, and simulated changes flowing to the copies.
 */
describe('user-sync dev', () => {
  afterAll(() => assertNothingLeaked());

  it('--simulate-clerk: the banner prints the webhook URL and secret, and signed Clerk events reach the copies', async () => {
    const dev = spawnCli(['dev', '--simulate-clerk', '--simulate-every', '300'], {
      PORT: '0',
      LOG_LEVEL: 'warn',
    });
    let client: MongoClient | undefined;
    try {
      await dev.waitFor(/Ctrl-C stops everything/);
      const banner = dev.stdout();
      const webhookUrl = /webhooks\s+POST (http:\/\/\S+)/.exec(banner)?.[1];
      const secret = /secret\s+(whsec_\S+)/.exec(banner)?.[1];
      const mongoUrl = /MongoDB\s+(mongodb:\/\/\S+)/.exec(banner)?.[1];
      expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/clerk$/);
      // The banner's export line, pasted into another terminal, points a command at this stack.
      const exported = /CLI\s+export (.+)\n\s+then: user-sync verify/.exec(banner)?.[1] ?? '';
      const cliEnv = Object.fromEntries([...exported.matchAll(/(\w+)='([^']*)'/g)].map(([, k, v]) => [k, v]));
      expect(Object.keys(cliEnv)).toEqual(['MONGO_URL', 'REDIS_URL']);
      const verify = spawnCli(['verify', '--grace', '5'], { ...cliEnv, LOG_LEVEL: 'silent' });
      await verify.exited;
      expect(verify.stdout()).toMatch(/^checked \d+ users, \d+ accounts/);
      // The printed secret is the one the endpoint verifies with: an event signed with it is accepted.
      const { Webhook } = await import('svix');
      const body = JSON.stringify({ type: 'email.created', object: 'event', data: {} });
      const at = new Date();
      const accepted = await fetch(webhookUrl!, {
        method: 'POST',
        headers: {
          'svix-id': 'msg_dev_test',
          'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
          'svix-signature': new Webhook(secret!).sign('msg_dev_test', at, body),
        },
        body,
      });
      expect(accepted.status).toBe(200);

      client = trackMongoClient(await MongoClient.connect(mongoUrl!), 'dev clerk test');
      const db = client.db('user-sync');
      await waitUntil(
        'a Clerk rename to reach an order and a task',
        async () =>
          (await db
            .collection('_store.orders')
            .countDocuments({ 'metadata.dashclicks_team.manager.name': { $regex: '\\(clerk v\\d+\\)$' } })) >
            0 &&
          (await db
            .collection('projects.tasks')
            .countDocuments({ 'order_metadata.responsible.name': { $regex: '\\(clerk v\\d+\\)$' } })) > 0,
        { timeoutMs: 30_000, everyMs: 100 },
      );
      await client.close();
      client = undefined;
      expect(await dev.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await client?.close();
      await dev.stop();
    }
  });

  it('starts on embedded defaults, serves the dashboard with the printed credentials, and syncs simulated changes', async () => {
    const dev = spawnCli(['dev', '--simulate', '--simulate-every', '400'], { PORT: '0', LOG_LEVEL: 'warn' });
    let client: MongoClient | undefined;
    try {
      await dev.waitFor(/Ctrl-C stops everything/);
      const banner = dev.stdout();
      const url = /dashboard\s+(http:\/\/\S+?)\/?\n/.exec(banner)?.[1];
      const user = /user\s+(\S+)/.exec(banner)?.[1];
      const password = /password\s+(\S+)/.exec(banner)?.[1];
      const mongoUrl = /MongoDB\s+(mongodb:\/\/\S+)\s+\(embedded emulator\)/.exec(banner)?.[1];
      const redisUrl = /Redis\s+(redis:\/\/\S+)\s+\(redis-server started for this run, pid \d+\)/.exec(
        banner,
      )?.[1];
      expect({ url, user, password, mongoUrl, redisUrl }).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        user: 'admin',
        password: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
        mongoUrl: expect.stringMatching(/^mongodb:\/\/127\.0\.0\.1:\d+\/user-sync\?replicaSet=rs0$/),
        redisUrl: expect.stringMatching(/^redis:\/\/127\.0\.0\.1:\d+$/),
      });
      expect(banner).toMatch(/sample data 4 accounts, 7 users, 6 contacts, 9 orders, 18 tasks/);

      expect((await fetch(`${url}/`)).status).toBe(401);
      const page = await fetch(`${url}/`, { headers: { authorization: basic(user!, password!) } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<title>user-sync<\/title>/);
      // dev announces itself once the change stream is open.
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      client = trackMongoClient(await MongoClient.connect(mongoUrl!), 'dev test');
      const db = client.db('user-sync');
      const initial = new Map(
        (await db.collection('_store.orders').find().toArray()).map(order => [String(order._id), order]),
      );
      expect(initial.size).toBe(9);

      // A simulated change reached an order: its manager copy differs from the sample and matches the
      // manager as the database has them now.
      const changed = await waitUntil(
        'a simulated change to reach an order',
        async () => {
          for (const order of await db.collection('_store.orders').find().toArray()) {
            const copy = order.metadata.dashclicks_team.manager;
            const before = initial.get(String(order._id))?.metadata.dashclicks_team.manager;
            if (JSON.stringify(copy) === JSON.stringify(before)) continue;
            const manager = await db.collection('_users').findOne({ _id: order.manager });
            if (manager !== null && JSON.stringify(copy) === JSON.stringify(metaOf(manager)))
              return { order, manager };
          }
          return undefined;
        },
        { timeoutMs: 30_000, everyMs: 100 },
      );
      expect(changed.manager.name).toMatch(/\(v\d+\)$/);
      // And it cascaded: some task's responsible list carries a simulated name. (The pattern is a string:
      // a RegExp made in jest's sandbox does not serialize as BSON.)
      await waitUntil(
        'a simulated change to reach a task',
        async () =>
          (await db
            .collection('projects.tasks')
            .countDocuments({ 'order_metadata.responsible.name': { $regex: '\\(v\\d+\\)$' } })) > 0,
        { timeoutMs: 30_000 },
      );
      await client.close();
      client = undefined;

      expect(await dev.stop()).toEqual({ code: 0, signal: null });
      // It stopped what it started.
      expect(await accepts(redisUrl!)).toBe(false);
      expect(await accepts(mongoUrl!)).toBe(false);
    } finally {
      await client?.close();
      await dev.stop();
    }
  });

  it('--simulate sends jobs through every queue, owner-sync included: each completes some on /metrics', async () => {
    const dev = spawnCli(['dev', '--simulate', '--simulate-every', '200'], { PORT: '0', LOG_LEVEL: 'warn' });
    let client: MongoClient | undefined;
    try {
      await dev.waitFor(/Ctrl-C stops everything/);
      const url = /dashboard\s+(http:\/\/\S+?)\/?\n/.exec(dev.stdout())?.[1];
      const mongoUrl = /MongoDB\s+(mongodb:\/\/\S+)/.exec(dev.stdout())?.[1];
      const queues = ['owner-sync', 'manager-sync', 'specialist-sync', 'responsible-rebuild', 'task-cascade'];
      const completed = await waitUntil(
        'completed jobs on all five sync queues',
        async () => {
          const text = await (await fetch(`${url}/metrics`)).text();
          const counts = queues.map(queue =>
            Number(
              new RegExp(`^user_sync_jobs_completed_total\\{queue="${queue}"[^}]*\\} (\\d+)`, 'm').exec(
                text,
              )?.[1] ?? 0,
            ),
          );
          return counts.every(count => count > 0) && counts;
        },
        { timeoutMs: 30_000, everyMs: 200 },
      );
      expect(completed).toHaveLength(5);
      // owner-sync's work is visible where it writes: an account's owner copy carries a simulated name.
      client = trackMongoClient(await MongoClient.connect(mongoUrl!), 'dev test');
      await waitUntil(
        "a simulated owner change to reach the owner's account",
        async () =>
          (await client!
            .db('user-sync')
            .collection('_accounts')
            .countDocuments({ 'owner.name': { $regex: '\\(v\\d+\\)$' } })) > 0,
        { timeoutMs: 30_000 },
      );
      await client.close();
      client = undefined;
      expect(await dev.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await client?.close();
      await dev.stop();
    }
  });

  it('with REDIS_URL not answering yet: banner and endpoints at once, naming Redis; starts once Redis is up', async () => {
    const port = await freePort();
    const redisUrl = `redis://127.0.0.1:${port}`;
    const dev = spawnCli(['dev'], { PORT: '0', LOG_LEVEL: 'warn', REDIS_URL: redisUrl });
    const dir = await mkdtemp(join(tmpdir(), 'user-sync-dev-test-'));
    let redis: ReturnType<typeof launchRedis> | undefined;
    try {
      // Well within the test's own deadline, so a dev that stays silent fails here, and is stopped.
      await dev.waitFor(/Ctrl-C stops it\./, { timeoutMs: 30_000 });
      const banner = dev.stdout();
      expect(banner).toMatch(/^user-sync dev is waiting for Redis; it goes on by itself once it answers$/m);
      expect(banner).toContain(`  waiting for Redis at ${redisUrl} (ECONNREFUSED)`);
      expect(banner).not.toMatch(/waiting for MongoDB/);
      expect(banner).not.toMatch(/Ctrl-C stops everything/);
      const url = /dashboard\s+(http:\/\/\S+?)\/?\n/.exec(banner)?.[1];
      const user = /user\s+(\S+)/.exec(banner)?.[1];
      const password = /password\s+(\S+)/.exec(banner)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(banner).toContain(`Redis       ${redisUrl}  (REDIS_URL)`);

      // /readyz names Redis, and only Redis once the embedded MongoDB answered; so does the dashboard.
      const waiting = await waitUntil(
        '/readyz to fail on redis alone',
        async () => {
          const response = await fetch(`${url}/readyz`);
          const body = (await response.json()) as { failed: string[]; checks: Record<string, string> };
          return response.status === 503 && body.checks.mongodb === 'ok' && body;
        },
        { timeoutMs: 30_000, everyMs: 200 },
      );
      expect(waiting.failed).toContain('redis');
      expect(waiting.checks.redis).toBe(`waiting for Redis at ${redisUrl} (ECONNREFUSED)`);
      const board = await fetch(`${url}/`, { headers: { authorization: basic(user!, password!) } });
      expect(board.status).toBe(503);
      expect(await board.json()).toEqual({ error: 'starting: waiting for Redis (see /readyz)' });

      redis = launchRedis({ dir, port, args: ['--save', '', '--appendonly', 'no', '--dir', dir] });
      await untilAnswering(redis);
      await waitUntil(
        '/readyz to answer 200 once Redis is up',
        async () => (await fetch(`${url}/readyz`)).status === 200,
        { timeoutMs: 60_000, everyMs: 200 },
      );
      await dev.waitFor(/Ctrl-C stops everything/);
      expect(dev.stdout()).toMatch(/user-sync dev is running[\s\S]*sample data 4 accounts, 7 users/);
      const page = await fetch(`${url}/`, { headers: { authorization: basic(user!, password!) } });
      expect(page.status).toBe(200);
      expect(await dev.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await dev.stop();
      if (redis !== undefined) {
        redis.admin.disconnect();
        await kill(redis.child);
      }
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('names what to install when there is no redis-server and no REDIS_URL', async () => {
    const dev = spawnCli(['dev'], { PORT: '0', PATH: '/nonexistent', LOG_LEVEL: 'silent' });
    expect(await dev.exited).toEqual({ code: 1, signal: null });
    expect(dev.stderr()).toMatch(/no redis-server on PATH.*apt-get install -y redis-server/s);
  });
});

/** Whether anything still listens at the URL's host:port. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^mongodb:/, 'http:').replace(/^redis:/, 'http:'));
  return new Promise(resolve => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
