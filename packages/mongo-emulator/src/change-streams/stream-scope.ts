/**
 * What a collection-, database- or cluster-level stream sees, and what ends it (invalidate).
 */
import type { ChangeRecord } from '../types';
import { commandError, ErrorCodes, MongoCommandError } from '../types';
import type { ChangeStreamScope } from './change-stream-api';

/** MongoDB's own databases: their changes never reach a change stream. */
const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);

const invalidNamespace = (message: string) => new MongoCommandError(73, 'InvalidNamespace', message);

/** Throws what MongoDB throws for a stream opened where none may be. */
export function validateScope(scope: ChangeStreamScope, allChangesForClusterOption: boolean): void {
  const clusterWide = scope.allChangesForCluster || allChangesForClusterOption;
  if (clusterWide) {
    if (scope.db !== 'admin' || scope.coll !== null) {
      throw invalidNamespace(
        "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name",
      );
    }
    return;
  }
  if (INTERNAL_DATABASES.has(scope.db)) {
    const detail = scope.db === 'admin' && scope.coll === null ? " without 'allChangesForCluster:true'" : '';
    throw invalidNamespace(`$changeStream may not be opened on the internal ${scope.db} database${detail}`);
  }
  if (scope.coll !== null && scope.coll.startsWith('system.')) {
    throw invalidNamespace(
      `$changeStream may not be opened on the internal ${scope.db}.${scope.coll} collection`,
    );
  }
  if (scope.coll === '') throw commandError(ErrorCodes.BadValue, 'collection name must not be empty');
}

export class StreamScope {
  private readonly clusterWide: boolean;

  constructor(private readonly scope: ChangeStreamScope) {
    this.clusterWide = scope.allChangesForCluster || (scope.db === 'admin' && scope.coll === null);
  }

  /** ns reported by the cursor, as MongoDB reports it for the aggregate. */
  get cursorNamespace(): string {
    return this.scope.coll === null
      ? `${this.scope.db}.$cmd.aggregate`
      : `${this.scope.db}.${this.scope.coll}`;
  }

  /** Whether the change is shown (before the user's pipeline). */
  sees(record: ChangeRecord): boolean {
    const { db, coll } = record.ns;
    if (INTERNAL_DATABASES.has(db) || coll?.startsWith('system.')) return false;
    if (this.clusterWide) return true;
    // A rename is news on both sides: the source is gone, the target replaced.
    if (record.operationType === 'rename' && record.to !== undefined && this.names(record.to)) return true;
    if (db !== this.scope.db) return false;
    if (this.scope.coll === null) return true;
    return record.operationType !== 'dropDatabase' && coll === this.scope.coll;
  }

  /** Whether `ns` is this stream's collection or, for a database stream, in its database. */
  private names(ns: { db: string; coll?: string }): boolean {
    return ns.db === this.scope.db && (this.scope.coll === null || ns.coll === this.scope.coll);
  }

  /** Whether the change ends the stream: its collection (or database) is gone. */
  invalidatedBy(record: ChangeRecord): boolean {
    if (this.clusterWide) return false;
    if (record.operationType === 'dropDatabase') return record.ns.db === this.scope.db;
    if (this.scope.coll === null) return false;
    if (record.operationType === 'drop') return this.names(record.ns);
    return (
      record.operationType === 'rename' &&
      (this.names(record.ns) || (record.to !== undefined && this.names(record.to)))
    );
  }
}
