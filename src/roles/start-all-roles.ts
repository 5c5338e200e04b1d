/**
 * `all` (and `dev`): listener, worker and dashboard (and the webhook endpoint, where configured) in one process, sharing one MongoDB pool and one
 * Redis connection. Released in reverse: the HTTP server stops first (/readyz turns 503), then the
 * listener flushes its checkpoint, then workers finish their active jobs, then connections close.
 * `http` is the server the role opened while it waited for its servers; without one, one is started.
 */
import type { ChangeListener } from '../listener/change-listener';
import type { Releasers } from '../lifecycle/releasers';
import { startProbeServer, type ProbeServer } from '../http/start-probe-server';
import type { SyncWorkerPool } from '../worker/sync-worker-pool';
import type { ServiceDependencies } from './service-dependencies';
import { startListenerRole } from './start-listener-role';
import { startWorkerRole } from './start-worker-role';
import { startWebhooksRole } from './start-webhooks-role';
import type { HttpServer } from '../http/start-http-server';

export interface AllRoles {
  pool: SyncWorkerPool;
  listener: ChangeListener;
  server: ProbeServer;
  webhooks: HttpServer | undefined;
}

export async function startAllRoles(
  deps: ServiceDependencies,
  releasers: Releasers,
  role = 'all',
  http?: ProbeServer,
): Promise<AllRoles> {
  const pool = await startWorkerRole(deps, releasers);
  const listener = startListenerRole(deps, releasers);
  const parts = { deps, workers: pool.workers, listener };
  let server = http;
  if (server === undefined) server = await startProbeServer({ role, releasers, dashboard: true, ...parts });
  else server.attach(parts);
  // SPEC §7: the webhook endpoint is part of `all` wherever it is configured.
  const webhooks =
    deps.config.identity.webhookSecret === undefined
      ? undefined
      : await startWebhooksRole(deps, releasers, server.registry);
  return { pool, listener, server, webhooks };
}
