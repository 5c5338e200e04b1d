/**
 * The shape a user must have before any derived copy is written from it. A user that breaks it is bad
 * input no retry can fix: the job fails with UnrecoverableError naming the field, and nothing is written.
 */
import { UnrecoverableError } from 'bullmq';
import type { ObjectId } from 'mongodb';
import { z } from 'zod';

/** Checks the BSON type tag, not `instanceof`, so ObjectIds of any bson copy (driver, mongoose) pass. */
const objectId = z.custom<ObjectId>(
  value =>
    typeof value === 'object' &&
    value !== null &&
    (value as { _bsontype?: unknown })._bsontype === 'ObjectId',
  { error: 'must be an ObjectId' },
);

const optionalText = z.string({ error: 'must be a string' }).nullish();

export const userDocumentSchema = z
  .object({
    _id: objectId,
    // A structured name ({first, last}) is copied as it is: SPEC §2 watches sub-paths such as name.first.
    name: z.union([z.string(), z.record(z.string(), z.unknown())], {
      error: 'must be a string or a sub-document',
    }),
    email: z.string({ error: 'must be a string' }),
    phone: optionalText,
    image: optionalText,
    account: objectId.optional(),
    is_owner: z.boolean({ error: 'must be a boolean' }).nullish(),
  })
  .loose();

export type UserDocument = z.infer<typeof userDocumentSchema>;

export class InvalidUserError extends UnrecoverableError {
  constructor(
    readonly userId: string,
    readonly fields: string[],
    message: string,
  ) {
    super(message);
    this.name = 'InvalidUserError';
  }
}

/** Validates a user read from the database; throws InvalidUserError naming every offending field. */
export function parseUserDocument(raw: unknown): UserDocument {
  const result = userDocumentSchema.safeParse(raw);
  if (result.success) return result.data;
  const userId = String((raw as { _id?: unknown } | null)?._id ?? 'unknown');
  const problems = result.error.issues.map(issue => ({
    field: issue.path.join('.') || '(document)',
    message:
      valueAt(raw, issue.path) === undefined
        ? 'is required'
        : `${issue.message} (got ${describe(valueAt(raw, issue.path))})`,
  }));
  const fields = [...new Set(problems.map(problem => problem.field))];
  const detail = problems.map(problem => `${problem.field} ${problem.message}`).join('; ');
  throw new InvalidUserError(userId, fields, `user ${userId} is invalid: ${detail}`);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value as Record<PropertyKey, unknown> | null | undefined)?.[key],
    root,
  );
}

/** Names the type only: the value itself may be an email or a phone number, which must not reach logs. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const bsonType = (value as { _bsontype?: string } | undefined)?._bsontype;
  return bsonType ?? typeof value;
}
