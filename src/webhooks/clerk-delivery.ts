/**
 * One webhook delivery from Clerk, from its raw bytes to an answer (SPEC §7). The signature is checked
 * first and by the Svix library Clerk signs with: nothing about an unsigned body is looked at, not even
 * whether it is JSON. A verified user event answers 200 only once its job is in Redis, under an id
 * derived from `svix-id`, so a redelivery is the same job and a 503 makes the provider try again.
 */
import type { Webhook } from 'svix';
import { WebhookVerificationError } from 'svix';
import { ClerkEventError, parseClerkEvent } from '../identity/clerk-event';
import { identityJobData, webhookJobId, type IdentityJobData } from '../identity/identity-job';

export interface DeliveryAnswer {
  status: number;
  body: Record<string, unknown>;
  /** The event type, once the body was verified and read: for metrics and the log. */
  type?: string;
}

export interface ClerkDeliveryDeps {
  verifier: Webhook;
  /** Adds the job; resolves once Redis has it. Rejects when Redis does not take it in time. */
  enqueue(jobId: string, data: IdentityJobData): Promise<void>;
}

export type DeliveryHeaders = Record<string, string | string[] | undefined>;

export async function answerClerkDelivery(
  raw: Buffer,
  headers: DeliveryHeaders,
  deps: ClerkDeliveryDeps,
): Promise<DeliveryAnswer> {
  const svix = {
    'svix-id': header(headers, 'svix-id'),
    'svix-timestamp': header(headers, 'svix-timestamp'),
    'svix-signature': header(headers, 'svix-signature'),
  };
  let body: unknown;
  try {
    // Checks the signature, and only then parses the body it covers.
    body = deps.verifier.verify(raw, svix);
  } catch (error) {
    if (error instanceof WebhookVerificationError)
      return { status: 401, body: { error: `signature refused: ${error.message}` } };
    if (error instanceof SyntaxError) return { status: 400, body: { error: 'the body is not JSON' } };
    throw error;
  }
  let event;
  try {
    event = parseClerkEvent(body);
  } catch (error) {
    if (error instanceof ClerkEventError)
      return { status: 400, body: { error: error.message, field: error.field } };
    throw error;
  }
  if (event.kind === 'other') return { status: 200, body: { ignored: event.type }, type: event.type };
  const jobId = webhookJobId(svix['svix-id']);
  try {
    await deps.enqueue(jobId, identityJobData(event, 'webhook'));
  } catch (error) {
    return {
      status: 503,
      body: { error: `not queued, try again: ${error instanceof Error ? error.message : String(error)}` },
      type: event.type,
    };
  }
  return { status: 200, body: { queued: jobId }, type: event.type };
}

function header(headers: DeliveryHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}
