import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnCli } from '../../support/cli-process';
import { clerkUser } from '../../support/clerk-webhooks';
import { waitUntil } from '../../support/wait-until';
import { useWebhookStack } from './webhook-stack';

/**
 * `import-identities` against a local stand-in of Clerk's Backend API (GET /v1/users: a bare array of
 * users, limit/offset paging, Bearer auth), which answers 429 with Retry-After once in the middle.
 */
describe('import-identities', () => {
  const stack = useWebhookStack();
  const clerkUsers = Array.from({ length: 5 }, (_, index) =>
    clerkUser({
      id: `user_import_${index}`,
      email: `imported${index}@example.com`,
      first_name: `Imported ${index}`,
      updated_at: 1000 + index,
    }),
  );
  const requests: string[] = [];
  let api: Server;
  let apiUrl: string;
  beforeAll(async () => {
    let throttled = false;
    api = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://clerk');
      requests.push(`${request.method} ${url.pathname}${url.search} ${request.headers.authorization}`);
      if (request.headers.authorization !== 'Bearer sk_test_standin') {
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ code: 'authentication_invalid' }] }));
        return;
      }
      const offset = Number(url.searchParams.get('offset'));
      if (offset === 2 && !throttled) {
        throttled = true;
        response.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ code: 'too_many_requests' }] }));
        return;
      }
      const limit = Number(url.searchParams.get('limit'));
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(clerkUsers.slice(offset, offset + limit)));
    });
    await new Promise<void>(resolve => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await new Promise(resolve => api.close(resolve));
  });

  const runImport = async (pageSize?: number) => {
    const cli = spawnCli(
      ['import-identities', ...(pageSize === undefined ? [] : ['--page-size', String(pageSize)])],
      {
        ...stack.env,
        CLERK_SECRET_KEY: 'sk_test_standin',
        CLERK_API_URL: apiUrl,
      },
    );
    return { exit: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
  };
  const imported = () =>
    stack.db
      .collection('_users')
      .find({ clerk_id: /^user_import_/ })
      .sort({ clerk_id: 1 })
      .toArray();

  it('creates every listed user through identity-sync, waiting out the 429', async () => {
    const run = await runImport(2);
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout).toContain('import-identities: 5 users listed, 5 queued for identity-sync, 0 skipped');
    expect(requests).toEqual([
      'GET /v1/users?limit=2&offset=0&order_by=%2Bcreated_at Bearer sk_test_standin',
      'GET /v1/users?limit=2&offset=2&order_by=%2Bcreated_at Bearer sk_test_standin',
      'GET /v1/users?limit=2&offset=2&order_by=%2Bcreated_at Bearer sk_test_standin',
      'GET /v1/users?limit=2&offset=4&order_by=%2Bcreated_at Bearer sk_test_standin',
    ]);
    const users = await waitUntil('five imported users', async () => {
      const found = await imported();
      return found.length === 5 ? found : undefined;
    });
    expect(users.map(user => [user.email, user.name])).toEqual(
      clerkUsers.map((_, index) => [`imported${index}@example.com`, `Imported ${index}`]),
    );
  });

  it('running it again changes nothing', async () => {
    const before = await imported();
    const applied = async () =>
      (await stack.all.metric('user_sync_identity_events_applied_total', { outcome: 'created' })) ?? 0;
    const createdBefore = await applied();
    const run = await runImport();
    expect(run.exit).toEqual({ code: 0, signal: null });
    await waitUntil(
      'the second run to be drained',
      async () =>
        (await stack.identityQueue.getWaitingCount()) === 0 &&
        (await stack.identityQueue.getActiveCount()) === 0,
    );
    expect(await imported()).toEqual(before);
    expect(await applied()).toBe(createdBefore);
  });

  it('without CLERK_SECRET_KEY: one line, exit 1; a refused key: one line naming it', async () => {
    const missing = spawnCli(['import-identities'], stack.env);
    expect(await missing.exited).toEqual({ code: 1, signal: null });
    expect(missing.stderr()).toMatch(/^user-sync import-identities: CLERK_SECRET_KEY is not set/);
    const refused = spawnCli(['import-identities'], {
      ...stack.env,
      CLERK_SECRET_KEY: 'sk_test_wrong',
      CLERK_API_URL: apiUrl,
    });
    expect(await refused.exited).toEqual({ code: 1, signal: null });
    expect(refused.stderr()).toBe('user-sync import-identities: Clerk refused CLERK_SECRET_KEY (HTTP 401)\n');
  });
});
