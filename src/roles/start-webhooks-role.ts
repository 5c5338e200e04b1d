/**
 * The webhooks role (SPEC §7): verified Clerk deliveries into the identity-sync queue. Part of `all` and
 * `dev` wherever CLERK_WEBHOOK_SECRET is set. Its server is released before the queues close, so no
 * delivery is answered 200 for a job that was never written.
 */
import type { Registry } from 'prom-client';
import { Webhook } from 'svix';
import type { HttpServer } from '../http/start-http-server';
import type { Releasers } from '../lifecycle/releasers';
import { QueueNames } from '../queues/queue-names';
import { identityEnqueuer } from '../webhooks/enqueue-identity-job';
import { CLERK_WEBHOOK_PATH, startWebhookServer } from '../webhooks/start-webhook-server';
import type { ServiceDependencies } from './service-dependencies';

export async function startWebhooksRole(
  deps: ServiceDependencies,
  releasers: Releasers,
  registry: Registry,
): Promise<HttpServer> {
  const { identity, host } = deps.config;
  if (identity.webhookSecret === undefined) throw new Error('CLERK_WEBHOOK_SECRET is not set');
  const logger = deps.logger.child({ component: 'webhooks' });
  const server = await startWebhookServer({
    host,
    port: identity.webhookPort,
    logger,
    registry,
    verifier: new Webhook(identity.webhookSecret),
    enqueue: identityEnqueuer(deps.queues.get(QueueNames.identitySync), deps.redis),
  });
  releasers.add('webhooks', () => server.close());
  logger.info({ url: `${server.url}${CLERK_WEBHOOK_PATH}` }, 'webhook endpoint listening');
  return server;
}
