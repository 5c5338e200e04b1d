/**
 * Clerk's webhooks at a steady rate: each a signed `user.updated` renaming one seeded user, sent over
 * HTTP to `user-sync all`'s endpoint on an absolute schedule. Two figures per delivery: the request (until
 * the endpoint answers, i.e. the job is in Redis) and the change (from sending until every copy of the
 * user, on orders and tasks, shows the new name: webhook -> identity-sync -> users -> change stream -> the
 * five jobs). Change streams on the copies tell the moment each one is written.
 */
import type { ChangeStream, ChangeStreamDocument, Db, Document, ObjectId } from 'mongodb';
import { Webhook } from 'svix';
import { COLLECTIONS } from './operator-seed';
import { COPIES_PER_CHANGE, COPY_PATHS, namesShown } from './operator-steady';
import { percentile, round } from './stats';

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

export interface Percentiles {
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
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
  const sentAt: number[] = [];
  const requestMs: number[] = [];
  const changeMs: (number | undefined)[] = new Array<number | undefined>(options.webhooks).fill(undefined);
  const statuses: Record<string, number> = {};
  const seen = new Map<number, Set<string>>();
  let converged = 0;

  const credit = (k: number, copy: string, at: number) => {
    for (let j = k; j >= 0; j -= userIds.length) {
      if (changeMs[j] !== undefined) continue;
      const copies = seen.get(j) ?? new Set<string>();
      seen.set(j, copies.add(copy));
      if (copies.size < COPIES_PER_CHANGE) continue;
      changeMs[j] = at - sentAt[j];
      seen.delete(j);
      converged += 1;
    }
  };

  const streams: ChangeStream<Document, ChangeStreamDocument<Document>>[] = [];
  const readers: Promise<void>[] = [];
  const requests: Promise<void>[] = [];
  let closing = false;
  let failure: unknown;
  try {
    for (const name of Object.keys(COPY_PATHS)) {
      const stream = db.collection(name).watch([]);
      streams.push(stream);
      const first = await stream.tryNext();
      const onEvent = (event: ChangeStreamDocument<Document>) => {
        const at = performance.now();
        for (const [copy, k] of namesShown(name, event, NAMED)) if (k < sentAt.length) credit(k, copy, at);
      };
      if (first !== null) onEvent(first);
      readers.push(
        (async () => {
          for (;;) onEvent(await stream.next());
        })().catch((error: unknown) => {
          if (!closing) failure ??= error;
        }),
      );
    }

    const intervalMs = 1000 / options.ratePerSec;
    const start = performance.now();
    let maxSendLagMs = 0;
    progress(`webhooks: ${options.webhooks} signed deliveries at ${options.ratePerSec}/s`);
    for (let k = 0; k < options.webhooks && failure === undefined; k += 1) {
      const due = start + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
      const i = k % userIds.length;
      const body = JSON.stringify(renameEvent(byId.get(String(userIds[i])), i, k));
      const svixId = `msg_bench_${k}`;
      const at = new Date();
      const headers = {
        'content-type': 'application/json',
        'svix-id': svixId,
        'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
        'svix-signature': signer.sign(svixId, at, body),
      };
      const sent = performance.now();
      sentAt.push(sent);
      maxSendLagMs = Math.max(maxSendLagMs, sent - due);
      requests.push(
        fetch(endpoint.url, { method: 'POST', headers, body }).then(
          async response => {
            await response.arrayBuffer();
            requestMs[k] = performance.now() - sent;
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          },
          (error: unknown) => {
            failure ??= error;
          },
        ),
      );
    }
    await Promise.all(requests);
    const deadline = performance.now() + options.settleMs;
    while (converged < options.webhooks && failure === undefined && performance.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    if (failure !== undefined) throw failure;
    progress(`webhooks: ${converged} of ${options.webhooks} changes converged`);
    return {
      webhooks: options.webhooks,
      ratePerSec: options.ratePerSec,
      copiesPerChange: COPIES_PER_CHANGE,
      statuses,
      request: percentiles(requestMs),
      converged,
      change: percentiles(changeMs),
      maxSendLagMs: round(maxSendLagMs),
    };
  } finally {
    closing = true;
    await Promise.allSettled(requests);
    await Promise.allSettled(streams.map(stream => stream.close()));
    await Promise.allSettled(readers);
  }
}

/** Unanswered or unconverged entries count as infinitely late: a percentile reaching one has no value. */
function percentiles(values: readonly (number | undefined)[]): Percentiles {
  const sample = values.map(ms => ms ?? Infinity);
  const at = (p: number) => {
    const value = percentile(sample, p);
    return Number.isFinite(value) ? round(value) : undefined;
  };
  return { p50Ms: at(50), p99Ms: at(99), maxMs: at(100) };
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
