/**
 * The native driver collections sync jobs write through. Jobs need bulkWrite with arrayFilters exactly as
 * MongoDB runs them, with no schema casting in between.
 */
import type { Collection, Document } from 'mongodb';
import type { CollectionNames } from '../config/config-types';
import type { SyncCollections } from '../sync/sync-job-context';

export type { SyncCollections };

/** Anything that hands out collections by name: the driver's `Db`, or mongoose's copy of it. */
export interface CollectionSource {
  collection(name: string): unknown;
}

export function syncCollections(db: CollectionSource, names: CollectionNames): SyncCollections {
  // mongoose ships its own copy of the driver; its Collection has the same API and wire behaviour, but
  // TypeScript sees two unrelated classes, so the cast names the one type jobs program against.
  const collection = (name: string) => db.collection(name) as Collection<Document>;
  return {
    users: collection(names.users),
    accounts: collection(names.accounts),
    contacts: collection(names.contacts),
    orders: collection(names.orders),
    tasks: collection(names.tasks),
    clerkDeletions: collection(clerkDeletionsCollection(names)),
  };
}

/** Beside the users collection it belongs to, whatever USERS_COLLECTION names. */
export function clerkDeletionsCollection(names: Pick<CollectionNames, 'users'>): string {
  return `${names.users}.clerk_deletions`;
}
