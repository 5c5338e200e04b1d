/**
 * Clerk's Backend API user list (`GET /users`), page after page, oldest first so that users created
 * while the import runs land on later pages instead of shifting earlier ones. A `429` is waited out for
 * as long as its `Retry-After` says; a server error is tried again a few times; anything else stops the
 * import with one line naming the status.
 */
export const PAGE_SIZE = 100;
const MAX_RETRIES = 8;
/** Used when a 429 or 5xx carries no usable Retry-After. */
const DEFAULT_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

export class ClerkApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClerkApiError';
  }
}

export interface ClerkListOptions {
  apiUrl: string;
  secretKey: string;
  pageSize?: number;
  /** Told of each wait, for the progress line. */
  onRetry?: (waitMs: number, status: number) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export async function* clerkUserPages(options: ClerkListOptions): AsyncGenerator<unknown[]> {
  const limit = options.pageSize ?? PAGE_SIZE;
  for (let offset = 0; ; offset += limit) {
    const page = await fetchPage(options, limit, offset);
    if (page.length > 0) yield page;
    if (page.length < limit) return;
  }
}

async function fetchPage(options: ClerkListOptions, limit: number, offset: number): Promise<unknown[]> {
  const url = new URL(`${options.apiUrl.replace(/\/+$/, '')}/users`);
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('offset', String(offset));
  url.searchParams.set('order_by', '+created_at');
  const get = options.fetch ?? fetch;
  const sleep = options.sleep ?? (ms => new Promise<void>(resolve => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt += 1) {
    let response: Response;
    try {
      response = await get(url, {
        headers: { Authorization: `Bearer ${options.secretKey}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ClerkApiError(`cannot reach Clerk's API at ${url.origin} (${cause})`);
    }
    const retriable = response.status === 429 || response.status >= 500;
    if (retriable && attempt < MAX_RETRIES) {
      const waitMs = retryAfterMs(response.headers.get('retry-after')) ?? DEFAULT_RETRY_MS * 2 ** attempt;
      await response.body?.cancel();
      options.onRetry?.(waitMs, response.status);
      await sleep(Math.min(waitMs, MAX_RETRY_MS));
      continue;
    }
    if (response.status === 401 || response.status === 403)
      throw new ClerkApiError(`Clerk refused CLERK_SECRET_KEY (HTTP ${response.status})`);
    if (!response.ok)
      throw new ClerkApiError(`Clerk's API answered HTTP ${response.status} for ${url.pathname}`);
    const body = (await response.json()) as unknown;
    // The API answers a bare array; Clerk's SDKs wrap it as { data }. Either is accepted.
    const users = Array.isArray(body) ? body : (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(users))
      throw new ClerkApiError(`Clerk's API answered something other than a user list`);
    return users;
  }
}

/** `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
