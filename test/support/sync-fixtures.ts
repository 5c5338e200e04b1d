/** Platform documents as the seed describes them, with only the fields a test cares about overridden. */
import { ObjectId, type Document } from 'mongodb';
import type { SyncCollections } from '../../src/sync/sync-job-context';

let sequence = 0;

export function aUser(overrides: Document = {}): Document {
  sequence += 1;
  return {
    _id: new ObjectId(),
    account: new ObjectId(),
    is_owner: false,
    name: `User ${sequence}`,
    email: `user${sequence}@example.com`,
    phone: `+1555000${String(sequence).padStart(4, '0')}`,
    image: `https://img.example.com/${sequence}.png`,
    last_login: new Date(),
    ...overrides,
  };
}

/** UserMeta as SPEC §1 defines it, for expectations. */
export function metaOf(user: Document): Document {
  return {
    id: user._id,
    name: user.name,
    email: user.email,
    phone: user.phone ?? '',
    image: user.image ?? null,
  };
}

export function anOrder(overrides: Document = {}): Document {
  return { _id: new ObjectId(), status: 'active', assigned_user_ids: [], ...overrides };
}

export function aTask(order: Document, overrides: Document = {}): Document {
  return {
    _id: new ObjectId(),
    order_id: order._id,
    title: 'task',
    order_metadata: { responsible: [] },
    ...overrides,
  };
}

export async function insertAll(
  collections: SyncCollections,
  documents: Partial<Record<keyof SyncCollections, Document[]>>,
) {
  for (const [name, docs] of Object.entries(documents) as [keyof SyncCollections, Document[]][]) {
    if (docs.length > 0) await collections[name]?.insertMany(docs);
  }
}

/** The users a sync job is about: one (`userId`) or a batch (`userIds`). */
export function usersOfJob(data: { userId?: string; userIds?: string[] }): string[] {
  return data.userIds ?? (data.userId === undefined ? [] : [data.userId]);
}
