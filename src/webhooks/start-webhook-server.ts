/**
 * The webhooks role's HTTP server on WEBHOOK_PORT: `POST /webhooks/clerk` and nothing else, so this is
 * the only port that needs to face the internet (the dashboard and probes stay on PORT).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../logging/create-logger';
import { MetricNames } from '../metrics/metric-names';
import { startHttpServer, type HttpServer } from '../http/start-http-server';
import { answerClerkDelivery, type ClerkDeliveryDeps, type DeliveryAnswer } from './clerk-delivery';
import { BodyTooLarge, readRequestBody } from './read-request-body';

export const CLERK_WEBHOOK_PATH = '/webhooks/clerk';
/** SPEC §7. Clerk's user events are a few kilobytes. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface WebhookServerOptions extends ClerkDeliveryDeps {
  host: string;
  port: number;
  logger: Logger;
  registry: Registry;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<HttpServer> {
  const { logger } = options;
  const requests = new Counter({
    name: MetricNames.webhookRequests,
    help: 'Webhook deliveries answered, by HTTP status and event type (empty when the body was not read).',
    labelNames: ['status', 'type'] as const,
    registers: [options.registry],
  });
  const duration = new Histogram({
    name: MetricNames.webhookDuration,
    help: 'Time from a delivery arriving to its answer.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [options.registry],
  });
  const answer = async (request: IncomingMessage): Promise<DeliveryAnswer> => {
    const path = new URL(request.url ?? '/', 'http://webhook').pathname;
    if (path !== CLERK_WEBHOOK_PATH) return { status: 404, body: { error: 'not found' } };
    if (request.method !== 'POST') return { status: 405, body: { error: 'only POST' } };
    let raw: Buffer;
    try {
      raw = await readRequestBody(request, WEBHOOK_BODY_LIMIT_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return { status: 413, body: { error: error.message } };
      throw error;
    }
    return answerClerkDelivery(raw, request.headers, options);
  };
  return startHttpServer(
    (request: IncomingMessage, response: ServerResponse) => {
      const stop = duration.startTimer();
      answer(request)
        .catch((error: unknown): DeliveryAnswer => {
          logger.error({ err: error }, 'webhook delivery failed');
          return { status: 500, body: { error: 'internal error' } };
        })
        .then(({ status, body, type }) => {
          requests.inc({ status: String(status), type: type ?? '' });
          stop();
          // The delivery's id is what Clerk's dashboard shows; its body (emails, phones) is never logged.
          const level = status >= 500 ? 'warn' : status >= 400 ? 'info' : 'debug';
          logger[level](
            { status, type, svixId: request.headers['svix-id'], reason: body.error },
            'webhook answered',
          );
          if (status === 405) response.setHeader('Allow', 'POST');
          // A refused body is not read to its end: close the connection rather than drain it.
          if (status === 413) response.setHeader('Connection', 'close');
          response.writeHead(status, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify(body));
        });
    },
    { host: options.host, port: options.port },
  );
}
