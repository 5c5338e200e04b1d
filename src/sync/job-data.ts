/**
 * Job payloads carry ids and their cause, never document contents: processors read the current documents
 * when they run (level-triggered), so a late or duplicated job cannot write stale values.
 */
import { UnrecoverableError } from 'bullmq';
import { ObjectId } from 'mongodb';
import { z } from 'zod';

const hexId = z.string().regex(/^[0-9a-f]{24}$/i, 'must be a 24-character hex ObjectId');

/** Why the job exists; for logs and the dashboard only, never for decisions. */
export const jobCauseSchema = z
  .object({
    operationType: z.string(),
    clusterTime: z.string().optional(),
    source: z.string().optional(),
  })
  .optional();

/**
 * A batch's ids are checked one by one in the processor, not here: a malformed id is one subject's bad
 * input and goes to dead-letter alone, while the rest of the batch is processed.
 */
const userIds = z.array(z.string({ error: 'must be a string' }), { error: 'must be an array' }).min(1);

/** Users per job: bounds one run's work and its return value; larger batches are split. */
export const USERS_PER_JOB = 500;

/** One user (`userId`: what a replayed dead-letter entry carries) or a batch of them (`userIds`). */
export const userJobDataSchema = z.union([
  z.object({ userId: hexId, cause: jobCauseSchema }),
  z.object({ userIds, cause: jobCauseSchema }),
]);

/** Orders or accounts whose own change (SPEC §2b) calls for the job; the listener sends well-formed ids. */
const orderIds = z.array(hexId).min(1);
const accountIds = z.array(hexId).min(1);

/** manager-sync, specialist-sync: users' orders, or orders whose manager/specialist field changed. */
export const teamMemberJobDataSchema = z.union([
  ...userJobDataSchema.options,
  z.object({ orderIds, cause: jobCauseSchema }),
]);

/** owner-sync: owners, or accounts (created, or given a business contact) whose owner must be copied. */
export const ownerJobDataSchema = z.union([
  ...userJobDataSchema.options,
  z.object({ accountIds, cause: jobCauseSchema }),
]);

/** responsible-rebuild: users' orders (paged by afterOrderId), or a repair of explicit orders. */
export const responsibleRebuildDataSchema = z.union([
  z.object({ userId: hexId, afterOrderId: hexId.optional(), cause: jobCauseSchema }),
  z.object({ userIds, afterOrderId: hexId.optional(), cause: jobCauseSchema }),
  z.object({ orderIds, cause: jobCauseSchema }),
]);

/** task-cascade: mirror one user's in-place change, or copy explicit orders' arrays to their tasks. */
export const taskCascadeDataSchema = responsibleRebuildDataSchema;

export type UserJobData = z.infer<typeof userJobDataSchema>;
export type TeamMemberJobData = z.infer<typeof teamMemberJobDataSchema>;
export type OwnerJobData = z.infer<typeof ownerJobDataSchema>;
export type ResponsibleRebuildData = z.infer<typeof responsibleRebuildDataSchema>;
export type TaskCascadeData = z.infer<typeof taskCascadeDataSchema>;

/** A payload no retry can fix goes straight to dead-letter, naming the field. */
export function parseJobData<T>(schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const detail = result.error.issues
    .map(issue => `${issue.path.join('.') || '(data)'} ${issue.message}`)
    .join('; ');
  throw new UnrecoverableError(`invalid job data: ${detail}`);
}

export const toObjectId = (hex: string): ObjectId => ObjectId.createFromHexString(hex);

/** By shape, not class: documents may come from another copy of bson (see src/errors/error-shape.ts). */
export function isObjectId(value: unknown): value is ObjectId {
  return (value as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
}

export type JobCause = z.infer<typeof jobCauseSchema>;

/** The users a job is about, each once, split into well-formed hex ids and ids no retry can fix. */
export function userIdsOf(data: { userId: string } | { userIds: string[] }): {
  ids: string[];
  malformed: string[];
} {
  const all = 'userId' in data ? [data.userId] : data.userIds;
  const unique = [...new Set(all)];
  return {
    ids: unique.filter(id => hexId.safeParse(id).success),
    malformed: unique.filter(id => !hexId.safeParse(id).success),
  };
}
