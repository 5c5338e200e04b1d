/**
 * Databases and their collections. A database exists while it holds a collection, as in MongoDB.
 */
import { ErrorCodes, commandError } from '../../types';
import type { CollectionOptions, Namespace } from '../../types';
import { errorOf, ExtraErrorCodes } from '../engine-errors';
import { Collection } from './collection';

function validateName(db: string, coll: string): void {
  if (db === '' || /[/\\. "$]/.test(db))
    throw errorOf(ExtraErrorCodes.InvalidNamespace, `Invalid database name: '${db}'`);
  if (coll === '' || coll.includes('$') || coll.startsWith('.') || coll.includes('\0')) {
    throw errorOf(ExtraErrorCodes.InvalidNamespace, `Invalid collection name: ${coll}`);
  }
}

export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  get(db: string, coll: string): Collection | undefined {
    return this.dbs.get(db)?.get(coll);
  }

  /** The collection, created (implicitly, as a write does) when missing. */
  obtain(db: string, coll: string): { collection: Collection; created: boolean } {
    const existing = this.get(db, coll);
    if (existing) return { collection: existing, created: false };
    return { collection: this.create(db, coll, {}), created: true };
  }

  create(db: string, coll: string, options: CollectionOptions): Collection {
    validateName(db, coll);
    if (this.get(db, coll))
      throw commandError(ErrorCodes.NamespaceExists, `Collection ${db}.${coll} already exists.`);
    const collection = new Collection({ db, coll }, { ...options });
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    colls.set(coll, collection);
    return collection;
  }

  /** Moves the collection, documents and indexes included; the caller has dropped any target first. */
  rename(from: Namespace, to: Namespace): Collection {
    validateName(to.db, to.coll);
    const collection = this.drop(from.db, from.coll);
    if (!collection) throw commandError(ErrorCodes.NamespaceNotFound, 'Source collection does not exist');
    collection.ns = { ...to };
    let colls = this.dbs.get(to.db);
    if (!colls) this.dbs.set(to.db, (colls = new Map()));
    colls.set(to.coll, collection);
    return collection;
  }

  drop(db: string, coll: string): Collection | undefined {
    const colls = this.dbs.get(db);
    const collection = colls?.get(coll);
    if (!colls || !collection) return undefined;
    colls.delete(coll);
    if (colls.size === 0) this.dbs.delete(db);
    return collection;
  }

  databases(): string[] {
    return [...this.dbs.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }
}
