/**
 * Clerk's webhooks at a steady rate: each a signed `user.updated` renaming one seeded user, sent over
 * HTTP to `user-sync all`'s endpoint on an absolute schedule. Two figures per delivery: the request (until
 * the endpoint answers, i.e. the job is in Redis) and the change (from sending until every copy of the
 * user, on orders and tasks, shows the new name: webhook -> identity-sync -> users -> change stream -> the
 * five jobs). Change streams on the copies tell the moment each one is written.
 */
import type { Db, Document, ObjectId } from 'mongodb';
import { Webhook } from 'svix';
import { signedDeliveryHeaders } from '../src/webhooks/signed-delivery-headers';
import { COLLECTIONS } from './operator-seed';
import { COPIES_PER_CHANGE, percentiles, renamesOnSchedule, type Percentiles } from './renames-on-schedule';

export interface WebhookLoadOptions {
  webhooks: number;
  ratePerSec: number;
  /** How long after the last delivery a change may still converge. */
  settleMs: number;
}

export interface WebhookLoadResult {
  webhooks: number;
  ratePerSec: number;
  copiesPerChange: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  request: Percentiles;
  converged: number;
  change: Percentiles;
  maxSendLagMs: number;
}

const FIRST_NAME = 'Webhook';
const NAMED = new RegExp(`^${FIRST_NAME} (\\d+)$`);

/** Gives each seeded user a Clerk id, as users who signed up through Clerk have. */
export async function linkToClerk(db: Db, userIds: readonly ObjectId[]): Promise<void> {
  await db.collection(COLLECTIONS.users).bulkWrite(
    userIds.map((_id, i) => ({
      updateOne: { filter: { _id }, update: { $set: { clerk_id: clerkId(i), clerk_updated_at: 0 } } },
    })),
    { ordered: false },
  );
}

export async function measureWebhookLoad(
  db: Db,
  endpoint: { url: string; secret: string },
  userIds: readonly ObjectId[],
  options: WebhookLoadOptions,
  progress: (message: string) => void,
): Promise<WebhookLoadResult> {
  const users = (await db
    .collection(COLLECTIONS.users)
    .find({ _id: { $in: [...userIds] } })
    .toArray()) as Document[];
  const byId = new Map(users.map(user => [String(user._id), user]));
  const signer = new Webhook(endpoint.secret);
  const requestMs: (number | undefined)[] = [];
  const statuses: Record<string, number> = {};
  progress(`webhooks: ${options.webhooks} signed deliveries at ${options.ratePerSec}/s`);
  const run = await renamesOnSchedule(db, {
    changes: options.webhooks,
    ratePerSec: options.ratePerSec,
    users: userIds.length,
    named: NAMED,
    settleMs: options.settleMs,
    send: async k => {
      const i = k % userIds.length;
      const body = JSON.stringify(renameEvent(byId.get(String(userIds[i])), i, k));
      const svixId = `msg_bench_${k}`;
      const headers = signedDeliveryHeaders(signer, svixId, body);
      const sent = performance.now();
      const response = await fetch(endpoint.url, { method: 'POST', headers, body });
      await response.arrayBuffer();
      requestMs[k] = performance.now() - sent;
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    },
  });
  progress(`webhooks: ${run.converged} of ${options.webhooks} changes converged`);
  return {
    webhooks: options.webhooks,
    ratePerSec: options.ratePerSec,
    copiesPerChange: COPIES_PER_CHANGE,
    statuses,
    request: percentiles(Array.from({ length: options.webhooks }, (_, k) => requestMs[k])),
    converged: run.converged,
    change: percentiles(run.latencyMs),
    maxSendLagMs: run.maxSendLagMs,
  };
}

function clerkId(i: number): string {
  return `user_bench_${i}`;
}

/** The user as Clerk holds it, renamed "Webhook k"; everything else as stored, so only the name moves. */
function renameEvent(user: Document | undefined, i: number, k: number): Record<string, unknown> {
  if (user === undefined) throw new Error(`seeded user ${i} is missing`);
  return {
    object: 'event',
    type: 'user.updated',
    timestamp: Date.now(),
    data: {
      object: 'user',
      id: clerkId(i),
      first_name: FIRST_NAME,
      last_name: String(k),
      primary_email_address_id: 'idn_email',
      email_addresses: [{ id: 'idn_email', email_address: user.email, verification: { status: 'verified' } }],
      primary_phone_number_id: user.phone ? 'idn_phone' : null,
      phone_numbers: user.phone ? [{ id: 'idn_phone', phone_number: user.phone }] : [],
      image_url: user.image ?? null,
      public_metadata: {},
      updated_at: k + 1,
    },
  };
}
