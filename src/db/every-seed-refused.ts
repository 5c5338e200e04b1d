import type { MongoClient, ServerHeartbeatFailedEvent } from 'mongodb';

/**
 * Rejects once each host listed in a `mongodb://` URL has refused a connection (ECONNREFUSED). A
 * `mongodb+srv://` URL lists no hosts before its lookup, so it never rejects: its timeout decides.
 */
export function everySeedRefused(
  client: MongoClient,
  url: string,
): { promise: Promise<never>; stop(): void } {
  const seeds = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/
    .exec(url)?.[1]
    .split(',')
    .map(host => host.trim());
  const refusedHosts = new Set<string>();
  let listener: ((event: ServerHeartbeatFailedEvent) => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    if (seeds === undefined) return;
    listener = event => {
      const code = (event.failure as { cause?: { code?: unknown } }).cause?.code;
      if (code !== 'ECONNREFUSED') return;
      refusedHosts.add(event.connectionId);
      if (seeds.every(seed => refusedHosts.has(seed))) {
        const error = new Error(`connect ECONNREFUSED ${[...refusedHosts].join(', ')}`);
        error.name = 'AllHostsRefused';
        reject(error);
      }
    };
    client.on('serverHeartbeatFailed', listener);
  });
  // Nothing awaits it once the connection opened: a late rejection must not go unhandled.
  promise.catch(() => undefined);
  return {
    promise,
    stop: () => {
      if (listener) client.off('serverHeartbeatFailed', listener);
    },
  };
}
