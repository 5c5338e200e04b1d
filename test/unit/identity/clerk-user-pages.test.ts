import { ClerkApiError, clerkUserPages, retryAfterMs } from '../../../src/identity/clerk-user-pages';

function answers(...responses: (() => Response)[]) {
  const requests: string[] = [];
  const fetch = (async (url: URL) => {
    requests.push(url.search);
    const next = responses.shift();
    if (next === undefined) throw new Error('no more answers');
    return next();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const page =
  (count: number, from = 0) =>
  () =>
    Response.json(Array.from({ length: count }, (_, index) => ({ id: `user_${from + index}` })));

async function collect(options: Parameters<typeof clerkUserPages>[0]) {
  const pages: unknown[][] = [];
  for await (const users of clerkUserPages(options)) pages.push(users);
  return pages;
}

describe('clerkUserPages', () => {
  it('pages oldest first until a short page, waiting out a 429 for as long as Retry-After says', async () => {
    const { fetch, requests } = answers(
      page(2),
      () => new Response('slow down', { status: 429, headers: { 'Retry-After': '3' } }),
      page(2, 2),
      page(1, 4),
    );
    const waits: number[] = [];
    const pages = await collect({
      apiUrl: 'http://clerk.test/v1/',
      secretKey: 'sk_test_x',
      pageSize: 2,
      fetch,
      sleep: async ms => void waits.push(ms),
    });
    expect(pages.map(users => users.length)).toEqual([2, 2, 1]);
    expect(waits).toEqual([3000]);
    expect(requests).toEqual([
      '?limit=2&offset=0&order_by=%2Bcreated_at',
      '?limit=2&offset=2&order_by=%2Bcreated_at',
      '?limit=2&offset=2&order_by=%2Bcreated_at',
      '?limit=2&offset=4&order_by=%2Bcreated_at',
    ]);
  });

  it('stops with one line on a refused key', async () => {
    const { fetch } = answers(() => new Response('{}', { status: 401 }));
    await expect(collect({ apiUrl: 'http://clerk.test/v1', secretKey: 'sk_test_x', fetch })).rejects.toThrow(
      new ClerkApiError('Clerk refused CLERK_SECRET_KEY (HTTP 401)'),
    );
  });

  it('reads Retry-After in seconds and as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
