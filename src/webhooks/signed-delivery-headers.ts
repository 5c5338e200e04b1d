/**
 * The headers Clerk (through Svix) sends with a delivery, signed the way it signs them. For whatever plays
 * Clerk against the endpoint: `dev --simulate-clerk`, the benchmark and the tests.
 */
import { Webhook } from 'svix';

export function signedDeliveryHeaders(
  signer: Webhook | string,
  svixId: string,
  body: string,
  at = new Date(),
): Record<string, string> {
  const webhook = typeof signer === 'string' ? new Webhook(signer) : signer;
  return {
    'content-type': 'application/json',
    'svix-id': svixId,
    'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
    'svix-signature': webhook.sign(svixId, at, body),
  };
}
