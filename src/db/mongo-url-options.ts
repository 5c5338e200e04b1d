/** Reading MONGO_URL's own options, so ours never override what an operator set there. */

export function urlOptionNames(url: string): Set<string> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return new Set([...new URLSearchParams(query).keys()].map(key => key.toLowerCase()));
}

/** The selection timeout in force: MONGO_URL's own, when it has one. */
export function selectionTimeoutMsFor(url: string, fallback: number): number {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const [key, value] of new URLSearchParams(query))
    if (key.toLowerCase() === 'serverselectiontimeoutms' && Number.isFinite(Number(value)))
      return Number(value);
  return fallback;
}

/**
 * A `mongodb+srv://` URL is looked up (SRV, then TXT) before any server is tried; a DNS that does not
 * answer, or not yet (a pod whose network is still coming up), is an unreachable server like any other.
 */
export function isSrvLookupFailure(error: unknown): boolean {
  const { syscall } = (error ?? {}) as { syscall?: unknown };
  return typeof syscall === 'string' && /^query(Srv|Txt)$/.test(syscall);
}
