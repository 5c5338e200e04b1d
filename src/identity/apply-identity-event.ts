/**
 * Applies one identity-provider event to the users collection (SPEC §7). The users document is the only
 * thing written: the change stream then carries the change to every copy, like any other user change.
 *
 * Every write is a compare-and-set on `clerk_updated_at`, so two events of one user handled at once, or
 * delivered out of order, end with the newer one's data whichever runs last.
 */
import { UnrecoverableError } from 'bullmq';
import { MongoServerError, type Collection, type Document } from 'mongodb';
import { identityFields, identityUpdate, newUserDocument, type IdentityFields } from './identity-fields';
import { requireName, ClerkEventError, type ClerkUser } from './clerk-event';
import type { IdentityJobData } from './identity-job';

export const IDENTITY_OUTCOMES = ['created', 'updated', 'unchanged', 'stale', 'conflict', 'deleted'] as const;
export type IdentityOutcome = (typeof IDENTITY_OUTCOMES)[number];

export interface IdentityCollections {
  users: Collection<Document>;
  /** When each provider id was deleted, so a late update cannot bring a deleted user back. */
  clerkDeletions?: Collection<Document>;
}

export interface IdentityResult {
  outcome: IdentityOutcome;
  /** The users document, when there is one. */
  userId?: string;
  clerkId: string;
}

/** Another user holds the email: an operator decides who keeps it, then replays the entry. */
export class EmailConflictError extends UnrecoverableError {
  constructor(readonly otherUserId: string) {
    super(`email conflict with user ${otherUserId}`);
    this.name = 'EmailConflictError';
  }
}

/** A concurrent event moved the document between our read and our write: read again. */
const MAX_RACES = 5;

export async function applyIdentityEvent(
  collections: IdentityCollections,
  data: IdentityJobData,
): Promise<IdentityResult> {
  if (data.type === 'user.deleted') return deleteIdentity(collections, data.clerkId, data.deletedAt);
  for (let race = 0; race < MAX_RACES; race += 1) {
    const result = await upsertIdentity(collections, data.user);
    if (result !== 'raced') return result;
  }
  throw new Error(`user ${data.user.id} kept changing while its event was applied; will retry`);
}

async function upsertIdentity(
  { users, clerkDeletions }: IdentityCollections,
  user: ClerkUser,
): Promise<IdentityResult | 'raced'> {
  const clerkId = user.id;
  const fields = identityFields(user);
  const stored = await users.findOne({ clerk_id: clerkId });
  const storedAt = stored?.clerk_updated_at as unknown;
  if (typeof storedAt === 'number' && storedAt > fields.clerk_updated_at)
    return { outcome: 'stale', userId: String(stored?._id), clerkId };
  if (stored === null) {
    const deletion = await clerkDeletions?.findOne({ _id: clerkId as unknown as Document['_id'] });
    if (typeof deletion?.deleted_at === 'number' && deletion.deleted_at >= fields.clerk_updated_at)
      return { outcome: 'stale', clerkId };
    return createUser(users, user, fields);
  }
  const update = identityUpdate(stored, fields);
  if (update === undefined) return { outcome: 'unchanged', userId: String(stored._id), clerkId };
  const emailChanges = typeof stored.email !== 'string' || !sameEmail(stored.email, fields.email);
  if (emailChanges) await refuseEmailConflict(users, fields.email, stored._id);
  const written = await users.updateOne(
    {
      _id: stored._id,
      clerk_id: clerkId,
      // Compare-and-set: the version read is still the stored one (a newer write makes this match nothing).
      clerk_updated_at: storedAt === undefined ? { $exists: false } : storedAt,
    },
    update,
  );
  if (written.matchedCount === 0) return 'raced';
  // Only the provider's timestamp moved: nothing a copy shows changed, and no sync work follows.
  const onlyTimestamp = Object.keys({ ...update.$set, ...update.$unset }).every(
    key => key === 'clerk_updated_at',
  );
  return { outcome: onlyTimestamp ? 'unchanged' : 'updated', userId: String(stored._id), clerkId };
}

async function createUser(
  users: Collection<Document>,
  user: ClerkUser,
  fields: IdentityFields,
): Promise<IdentityResult | 'raced'> {
  try {
    requireName(user, 'user');
  } catch (error) {
    if (error instanceof ClerkEventError)
      throw new UnrecoverableError(`cannot create the user: ${error.message}`);
    throw error;
  }
  await refuseEmailConflict(users, fields.email, undefined);
  const document = newUserDocument(fields);
  try {
    await users.insertOne(document);
  } catch (error) {
    // The unique clerk_id index: another event created this user first. Apply ours on top of it.
    if (error instanceof MongoServerError && error.code === 11000) return 'raced';
    throw error;
  }
  return { outcome: 'created', userId: String(document._id), clerkId: user.id };
}

async function deleteIdentity(
  { users, clerkDeletions }: IdentityCollections,
  clerkId: string,
  deletedAt: number | undefined,
): Promise<IdentityResult> {
  const at = deletedAt ?? Date.now();
  await clerkDeletions?.updateOne(
    { _id: clerkId as unknown as Document['_id'] },
    { $max: { deleted_at: at } },
    { upsert: true },
  );
  const stored = await users.findOneAndDelete({ clerk_id: clerkId }, { projection: { _id: 1 } });
  if (stored === null) return { outcome: 'unchanged', clerkId };
  return { outcome: 'deleted', userId: String(stored._id), clerkId };
}

/** SPEC §7: an address is one user's, whatever its letter case. */
async function refuseEmailConflict(users: Collection<Document>, email: string, self: unknown): Promise<void> {
  const filter: Document = { email: { $regex: `^${escapeRegex(email)}$`, $options: 'i' } };
  if (self !== undefined) filter._id = { $ne: self };
  const other = await users.findOne(filter, { projection: { _id: 1 } });
  if (other !== null) throw new EmailConflictError(String(other._id));
}

function sameEmail(left: string, right: string): boolean {
  return left.toLowerCase() === right.toLowerCase();
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
