/**
 * The data of an identity-sync job and its id. Unlike the five sync queues, whose jobs carry ids only,
 * this one carries the provider's view of the user: it is the source of the users document, and the
 * provider cannot be asked again for an old event. Only what SPEC §7 writes is kept, so Redis holds no
 * more of a person than the users collection does.
 */
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { ClerkEventError, checkClerkUser, type ClerkEvent, type ClerkUser } from './clerk-event';

export type IdentitySource = 'webhook' | 'import';

export type IdentityJobData =
  | { type: 'user.created' | 'user.updated'; source: IdentitySource; user: ClerkUser }
  | { type: 'user.deleted'; source: IdentitySource; clerkId: string; deletedAt?: number };

const jobDataSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['user.created', 'user.updated']),
    source: z.enum(['webhook', 'import']),
    user: z.unknown(),
  }),
  z.object({
    type: z.literal('user.deleted'),
    source: z.enum(['webhook', 'import']),
    clerkId: z.string().min(1),
    deletedAt: z.number().optional(),
  }),
]);

/** The job for a verified webhook event (only user events reach here). */
export function identityJobData(
  event: Exclude<ClerkEvent, { kind: 'other' }>,
  source: IdentitySource,
): IdentityJobData {
  if (event.kind === 'deleted')
    return {
      type: event.type,
      source,
      clerkId: event.clerkId,
      ...(event.deletedAt === undefined ? {} : { deletedAt: event.deletedAt }),
    };
  return { type: event.type, source, user: slimUser(event.user) };
}

/** Just the fields SPEC §7 reads. */
export function slimUser(user: ClerkUser): ClerkUser {
  return {
    id: user.id,
    email_addresses: user.email_addresses.map(({ id, email_address, verification }) => ({
      id,
      email_address,
      verification: verification?.status ? { status: verification.status } : null,
    })),
    primary_email_address_id: user.primary_email_address_id ?? null,
    phone_numbers: (user.phone_numbers ?? []).map(({ id, phone_number }) => ({ id, phone_number })),
    primary_phone_number_id: user.primary_phone_number_id ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    image_url: user.image_url ?? null,
    updated_at: user.updated_at,
    public_metadata: {
      ...(user.public_metadata?.account_id ? { account_id: user.public_metadata.account_id } : {}),
      ...(typeof user.public_metadata?.is_owner === 'boolean'
        ? { is_owner: user.public_metadata.is_owner }
        : {}),
    },
  };
}

/** Validates a job's data (a replayed entry may have been edited); bad data is no retry's to fix. */
export function parseIdentityJobData(data: unknown): IdentityJobData {
  const parsed = jobDataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnrecoverableError(
      `invalid identity-sync job: ${issue?.path.join('.') || 'data'} ${issue?.message}`,
    );
  }
  if (parsed.data.type === 'user.deleted') return parsed.data;
  try {
    return { ...parsed.data, user: checkClerkUser(parsed.data.user, 'user') };
  } catch (error) {
    if (error instanceof ClerkEventError)
      throw new UnrecoverableError(`invalid identity-sync job: ${error.message}`);
    throw error;
  }
}

/**
 * One job per delivery: Clerk redelivers a failed message with the same `svix-id`, and BullMQ adds no
 * second job under an id it holds. ':' is reserved in BullMQ's custom ids.
 */
export function webhookJobId(svixId: string): string {
  return `clerk-${svixId}`.replaceAll(':', '-');
}

/** An import of the same user at the same version is the same job, so a second run adds nothing new. */
export function importJobId(user: Pick<ClerkUser, 'id' | 'updated_at'>): string {
  return `clerk-import-${user.id}-${user.updated_at}`.replaceAll(':', '-');
}
