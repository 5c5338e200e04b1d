/**
 * Clerk as the tests play it: real-shaped user events (the payloads of Clerk's webhook docs), signed
 * with the Svix scheme by the Svix library itself, and delivered over HTTP to the webhook endpoint.
 */
import { signedDeliveryHeaders } from '../../src/webhooks/signed-delivery-headers';

/** A test signing secret in Clerk's format (whsec_ + base64). */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('user-sync test signing secret 32b').toString('base64')}`;
export const OTHER_WEBHOOK_SECRET = `whsec_${Buffer.from('somebody else signing secret 32b!').toString('base64')}`;

export interface ClerkUserShape {
  id: string;
  email: string;
  first_name?: string | null;
  last_name?: string | null;
  phone?: string;
  image_url?: string | null;
  updated_at: number;
  public_metadata?: Record<string, unknown>;
}

/** `data` of user.created / user.updated, as Clerk sends it. */
export function clerkUser(user: ClerkUserShape): Record<string, unknown> {
  return {
    object: 'user',
    id: user.id,
    username: null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    image_url: user.image_url ?? null,
    has_image: Boolean(user.image_url),
    primary_email_address_id: `idn_${user.id}_email`,
    primary_phone_number_id: user.phone === undefined ? null : `idn_${user.id}_phone`,
    email_addresses: [
      {
        object: 'email_address',
        id: `idn_${user.id}_email`,
        email_address: user.email,
        verification: { status: 'verified', strategy: 'email_code' },
        linked_to: [],
      },
    ],
    phone_numbers:
      user.phone === undefined
        ? []
        : [
            {
              object: 'phone_number',
              id: `idn_${user.id}_phone`,
              phone_number: user.phone,
              verification: null,
            },
          ],
    public_metadata: user.public_metadata ?? {},
    private_metadata: {},
    unsafe_metadata: {},
    external_accounts: [],
    created_at: 1_700_000_000_000,
    updated_at: user.updated_at,
    last_sign_in_at: null,
  };
}

export function userEvent(
  type: 'user.created' | 'user.updated',
  user: ClerkUserShape,
): Record<string, unknown> {
  return {
    object: 'event',
    type,
    data: clerkUser(user),
    instance_id: 'ins_test',
    timestamp: user.updated_at,
    event_attributes: { http_request: { client_ip: '', user_agent: '' } },
  };
}

export function deletedEvent(clerkId: string, timestamp = Date.now()): Record<string, unknown> {
  return {
    object: 'event',
    type: 'user.deleted',
    data: { object: 'user', id: clerkId, deleted: true },
    timestamp,
  };
}

export interface Delivery {
  svixId: string;
  body: string;
  /** Signed with this secret. @defaultValue TEST_WEBHOOK_SECRET */
  secret?: string;
  /** @defaultValue now */
  at?: Date;
  /** Headers sent as they are, overriding the signed ones. */
  headers?: Record<string, string>;
}

export function signedHeaders({ svixId, body, secret = TEST_WEBHOOK_SECRET, at = new Date() }: Delivery) {
  return signedDeliveryHeaders(secret, svixId, body, at);
}

export async function deliver(
  url: string,
  delivery: Delivery,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...signedHeaders(delivery), ...delivery.headers },
    body: delivery.body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let deliveries = 0;
/** A fresh `svix-id`, as every new message has. */
export function nextSvixId(): string {
  deliveries += 1;
  return `msg_test${process.pid}x${deliveries}`;
}
