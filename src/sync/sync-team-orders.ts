/**
 * manager-sync and specialist-sync scoped to orders (SPEC §2b): an order whose manager or specialist field
 * was set, changed or removed carries UserMeta of the user it names now, or no copy at all when the field
 * is unset or names no existing user. The field as read is part of each write's filter, so a reassignment
 * that lands between the read and the write is never overwritten with the old user's copy; settling
 * re-reads order and user after writing and writes again for every order whose sources moved. An order
 * whose copy is already right gets no statement at all (a backfill's orders without a specialist would
 * otherwise each cost one that matches nothing, and a re-read).
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { isObjectId, toObjectId } from './job-data';
import { readRawUsers, sortUsers } from './read-users';
import { bsonEqual } from './bson-equal';
import { writeBatchUntilSettled, type Sources } from './settle';
import { DEAD_LETTERED, summarizeOutcomes, type SubjectOutcomes } from './subject-outcomes';
import type { SyncJobContext } from './sync-job-context';
import type { TeamRole } from './team-member-sync';
import type { InvalidUserError } from './user-document';
import { orderMemberProblem, type InvalidReferenceError } from './invalid-reference';
import { toUserMeta, type UserMeta } from './user-meta';

/** What an order's copy is computed from: the field as stored, and the copy the rules give for it. */
interface TeamSource {
  member: unknown;
  /** null: no copy (unset, or no such user). */
  meta: UserMeta | null;
}

/** Outcomes counted (subject-outcomes.ts): `synced`, `cleared`, `already-synced`, `order-not-found`... */
export type TeamOrdersResult = SubjectOutcomes & {
  ordersMatched: number;
  ordersUpdated: number;
  /** The job's orders, each counted once. */
  orders: number;
};

export async function syncTeamOrders(
  role: TeamRole,
  orderIds: readonly string[],
  ctx: SyncJobContext,
  cause: unknown,
): Promise<TeamOrdersResult> {
  const copyPath = `metadata.dashclicks_team.${role}`;
  const orders = new Map<string, string>();
  const blocked = new Map<string, InvalidUserError | InvalidReferenceError>();
  // The copy as last read: not a source (the settle would see its own write as a move), only what spares
  // an order that needs nothing its statement.
  const copies = new Map<string, unknown>();
  const readSources = async (keys: readonly string[]): Promise<Sources<TeamSource>> => {
    const found = await ctx.collections.orders
      .find(
        { _id: { $in: keys.map(toObjectId) } },
        { projection: { [role]: 1, [copyPath]: 1 }, batchSize: keys.length + 1 },
      )
      .toArray();
    const named = [
      ...new Set(
        found
          .map(order => order[role])
          .filter(isObjectId)
          .map(id => id.toHexString()),
      ),
    ];
    const users = sortUsers(named, await readRawUsers(ctx.collections, named));
    const metas = new Map(users.valid.map(user => [user._id.toHexString(), toUserMeta(user)]));
    const sources: Sources<TeamSource> = new Map();
    for (const order of found) {
      const key = String(order._id);
      const member: unknown = order[role];
      copies.set(key, (order.metadata as Document | undefined)?.dashclicks_team?.[role]);
      const hex = isObjectId(member) ? member.toHexString() : undefined;
      const invalid =
        orderMemberProblem(order, role) ?? (hex === undefined ? undefined : users.invalid.get(hex));
      if (invalid !== undefined) blocked.set(key, invalid);
      else blocked.delete(key);
      sources.set(key, { member, meta: hex === undefined ? null : (metas.get(hex) ?? null) });
    }
    return sources;
  };
  const { results } = await writeBatchUntilSettled(
    orderIds,
    readSources,
    async (sources, keys) => {
      const writes: AnyBulkWriteOperation<Document>[] = [];
      const written: string[] = [];
      for (const key of keys) {
        const source = sources.get(key);
        if (source === undefined) orders.set(key, 'order-not-found');
        // A user who breaks the schema, or a field of the wrong type, would make a wrong copy: the order
        // waits, named, in dead-letter.
        else if (blocked.has(key)) continue;
        else if (copyIsRight(copies.get(key), source)) orders.set(key, 'already-synced');
        else {
          orders.set(key, source.meta === null ? 'cleared' : 'synced');
          writes.push({ updateOne: teamCopyWrite(key, role, copyPath, source) });
          written.push(key);
        }
      }
      if (writes.length === 0) return { ordersMatched: 0, ordersUpdated: 0, written };
      const result = await ctx.collections.orders.bulkWrite(writes, { ordered: false });
      return { ordersMatched: result.matchedCount, ordersUpdated: result.modifiedCount, written };
    },
    { writtenKeys: result => result.written },
  );
  for (const [key, error] of blocked) {
    await ctx.rejectSubject(key, { orderIds: [key], cause }, error);
    orders.set(key, DEAD_LETTERED);
  }
  return {
    ordersMatched: results.reduce((sum, result) => sum + result.ordersMatched, 0),
    ordersUpdated: results.reduce((sum, result) => sum + result.ordersUpdated, 0),
    orders: orders.size,
    ...summarizeOutcomes(orders),
  };
}

function copyIsRight(copy: unknown, source: TeamSource): boolean {
  return source.meta === null ? copy === undefined : bsonEqual(copy, source.meta);
}

/**
 * Writes only an order that still names the member as read. Its copy was read as differing from the rule's
 * (or it would get no statement); a concurrent run that wrote the same copy since makes this a no-op.
 */
function teamCopyWrite(key: string, role: TeamRole, copyPath: string, source: TeamSource) {
  const filter: Document = {
    _id: toObjectId(key),
    [role]: source.member === undefined ? { $exists: false } : source.member,
  };
  return source.meta === null
    ? { filter, update: { $unset: { [copyPath]: '' } } }
    : { filter, update: { $set: { [copyPath]: source.meta } } };
}
