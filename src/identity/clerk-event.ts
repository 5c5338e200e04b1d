/**
 * The Clerk webhook events user-sync acts on (SPEC §7), checked field by field. A problem is reported as
 * the field's path and what is wrong with it, never with the value: values are email addresses and
 * phone numbers, which must not reach logs or HTTP answers.
 */
import { z } from 'zod';

const emailAddressSchema = z
  .object({
    id: z.string({ error: 'must be a string' }),
    email_address: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
    verification: z.object({ status: z.string().nullish() }).loose().nullish(),
  })
  .loose();

const phoneNumberSchema = z
  .object({
    id: z.string({ error: 'must be a string' }),
    phone_number: z.string({ error: 'must be a string' }),
  })
  .loose();

const optionalText = z.string({ error: 'must be a string' }).nullish();

/** What Clerk sends as `data` of user.created and user.updated, and lists from its Backend API. */
export const clerkUserSchema = z
  .object({
    id: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
    email_addresses: z.array(emailAddressSchema, { error: 'must be an array' }),
    primary_email_address_id: optionalText,
    phone_numbers: z.array(phoneNumberSchema, { error: 'must be an array' }).nullish(),
    primary_phone_number_id: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    image_url: optionalText,
    updated_at: z.number({ error: 'must be a number (ms since the epoch)' }).int('must be an integer'),
    public_metadata: z
      .object({
        account_id: z
          .string({ error: 'must be a string' })
          .regex(/^[0-9a-f]{24}$/i, 'must be a 24-character hex ObjectId')
          .nullish(),
        is_owner: z.boolean({ error: 'must be a boolean' }).nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

export type ClerkUser = z.infer<typeof clerkUserSchema>;

const deletedUserSchema = z
  .object({ id: z.string({ error: 'must be a string' }).min(1, 'must not be empty') })
  .loose();

export const IDENTITY_EVENT_TYPES = ['user.created', 'user.updated', 'user.deleted'] as const;
export type IdentityEventType = (typeof IDENTITY_EVENT_TYPES)[number];

const envelopeSchema = z
  .object({
    type: z.string({ error: 'must be a string' }),
    data: z.unknown(),
    timestamp: z.number().optional(),
  })
  .loose();

/** An event user-sync applies, or one of another type that it only counts. */
export type ClerkEvent =
  | { kind: 'user'; type: 'user.created' | 'user.updated'; user: ClerkUser }
  | { kind: 'deleted'; type: 'user.deleted'; clerkId: string; deletedAt: number | undefined }
  | { kind: 'other'; type: string };

export class ClerkEventError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'ClerkEventError';
  }
}

/** Validates a parsed webhook body; throws ClerkEventError naming the first field that is wrong. */
export function parseClerkEvent(body: unknown): ClerkEvent {
  const envelope = check(envelopeSchema, body, '');
  const type = envelope.type;
  if (type === 'user.deleted') {
    const data = check(deletedUserSchema, envelope.data, 'data');
    return { kind: 'deleted', type, clerkId: data.id, deletedAt: envelope.timestamp };
  }
  if (type !== 'user.created' && type !== 'user.updated') return { kind: 'other', type };
  const user = checkClerkUser(envelope.data, 'data');
  if (type === 'user.created') requireName(user, 'data');
  return { kind: 'user', type, user };
}

/** A user as Clerk describes it, with at least one email address (SPEC §7). */
export function checkClerkUser(value: unknown, at: string): ClerkUser {
  const user = check(clerkUserSchema, value, at);
  if (user.email_addresses.length === 0)
    throw new ClerkEventError(`${at}.email_addresses`, 'must hold at least one email address');
  return user;
}

/** A user created here needs a name: SPEC §7 asks for a first or a last name on create. */
export function requireName(user: ClerkUser, at: string): void {
  if (displayName(user) === undefined)
    throw new ClerkEventError(`${at}.first_name`, 'or last_name is required to create a user');
}

/** First and last name joined by a space; undefined when both are empty. */
export function displayName(user: Pick<ClerkUser, 'first_name' | 'last_name'>): string | undefined {
  const name = [user.first_name, user.last_name]
    .map(part => part?.trim() ?? '')
    .filter(part => part !== '')
    .join(' ');
  return name === '' ? undefined : name;
}

function check<T>(schema: z.ZodType<T>, value: unknown, at: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [at, ...(issue?.path ?? []).map(String)].filter(part => part !== '').join('.');
  const missing = issue?.code === 'invalid_type' && valueAt(value, issue.path) === undefined;
  throw new ClerkEventError(path || '(body)', missing ? 'is required' : (issue?.message ?? 'is invalid'));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value as Record<PropertyKey, unknown> | null | undefined)?.[key],
    root,
  );
}
