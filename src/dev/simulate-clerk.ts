/**
 * `dev --simulate-clerk`: plays Clerk against the running webhook endpoint, signing each event with the
 * endpoint's secret as Clerk does. Staff users are renamed in "Clerk" (their orders, tasks and responsible
 * lists follow), and a newcomer is created and deleted, so the whole path shows in the dashboard:
 * webhook -> identity-sync -> users -> change stream -> the five queues.
 */
import { Webhook } from 'svix';
import { signedDeliveryHeaders } from '../webhooks/signed-delivery-headers';
import type { Logger } from '../logging/create-logger';

export interface ClerkPersona {
  clerkId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  image?: string;
}

export interface SimulateClerkOptions {
  webhookUrl: string;
  secret: string;
  personas: readonly ClerkPersona[];
  intervalMs: number;
  logger: Logger;
}

export function simulateClerk(options: SimulateClerkOptions): { stop(): Promise<void> } {
  const log = options.logger.child({ component: 'simulate-clerk' });
  const webhook = new Webhook(options.secret);
  let n = 0;
  let newcomer: number | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const nextEvent = (): Record<string, unknown> => {
    const step = n;
    n += 1;
    if (step % 4 !== 3) {
      const persona = options.personas[step % options.personas.length];
      const version = Math.floor(step / options.personas.length) + 1;
      return userEvent('user.updated', { ...persona, lastName: `${persona.lastName} (clerk v${version})` });
    }
    if (newcomer === undefined) {
      newcomer = step;
      return userEvent('user.created', {
        clerkId: `user_dev_newcomer_${step}`,
        firstName: 'Nova',
        lastName: `Newcomer ${step}`,
        email: `nova.${step}@clerk.example`,
      });
    }
    const deleted = { object: 'event', type: 'user.deleted', timestamp: Date.now() };
    const event = {
      ...deleted,
      data: { object: 'user', id: `user_dev_newcomer_${newcomer}`, deleted: true },
    };
    newcomer = undefined;
    return event;
  };

  const send = async (): Promise<void> => {
    const body = JSON.stringify(nextEvent());
    const svixId = `msg_dev_${Date.now()}_${n}`;
    const response = await fetch(options.webhookUrl, {
      method: 'POST',
      headers: signedDeliveryHeaders(webhook, svixId, body),
      body,
    });
    log.info(
      { svixId, type: (JSON.parse(body) as { type: string }).type, status: response.status },
      'sent a signed Clerk event',
    );
  };
  const timer = setInterval(() => {
    inFlight = send().catch(error => log.warn({ err: error }, 'simulated Clerk event not delivered'));
  }, options.intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}

function userEvent(type: 'user.created' | 'user.updated', persona: ClerkPersona): Record<string, unknown> {
  const updatedAt = Date.now();
  return {
    object: 'event',
    type,
    timestamp: updatedAt,
    data: {
      object: 'user',
      id: persona.clerkId,
      first_name: persona.firstName,
      last_name: persona.lastName,
      primary_email_address_id: `idn_${persona.clerkId}`,
      email_addresses: [
        { id: `idn_${persona.clerkId}`, email_address: persona.email, verification: { status: 'verified' } },
      ],
      primary_phone_number_id: persona.phone === undefined ? null : `idn_${persona.clerkId}_phone`,
      phone_numbers:
        persona.phone === undefined
          ? []
          : [{ id: `idn_${persona.clerkId}_phone`, phone_number: persona.phone }],
      image_url: persona.image ?? null,
      public_metadata: {},
      updated_at: updatedAt,
    },
  };
}
