/**
 * Synthetic ChangeRecords and a hub wired to an in-memory "collection", so change streams are tested
 * without the engine or the wire.
 */
import type { Document } from 'bson';
import type { ChangeStreamScope } from '../../../src/change-streams/change-stream-api';
import type { ChangeStreamHubOptions } from '../../../src/change-streams/change-stream-hub';
import { ChangeStreamHub } from '../../../src/change-streams/change-stream-hub';
import type { ChangeRecord, ServerCursor, UpdateDescription } from '../../../src/types';

export const DB = 'app';

export interface Fixture {
  hub: ChangeStreamHub;
  /** What `lookup` answers: the "current" documents by `${db}.${coll}.${id}`. */
  current: Map<string, Document>;
  cursors: ServerCursor[];
  open(scope?: Partial<ChangeStreamScope>, spec?: Document, pipeline?: Document[]): ServerCursor;
  close(): void;
}

export function makeFixture(options: Partial<ChangeStreamHubOptions> = {}): Fixture {
  const current = new Map<string, Document>();
  const cursors: ServerCursor[] = [];
  const hub = new ChangeStreamHub({
    maxEvents: 1000,
    lookup: (db, coll, id) => current.get(`${db}.${coll}.${String(id)}`) ?? null,
    ...options,
  });
  return {
    hub,
    current,
    cursors,
    open(scope = {}, spec = {}, pipeline = []) {
      const cursor = hub.open(
        { db: DB, coll: 'users', allChangesForCluster: false, ...scope },
        spec,
        pipeline,
      );
      cursors.push(cursor);
      return cursor;
    },
    close() {
      for (const cursor of cursors) cursor.close();
    },
  };
}

/** Every event available now (no waiting). */
export async function drain(cursor: ServerCursor): Promise<Document[]> {
  return (await cursor.next(10_000, 0)).documents;
}

const ns = (coll: string, db = DB) => ({ db, coll });

export function insert(coll: string, doc: Document, extra: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    operationType: 'insert',
    ns: ns(coll, extra.ns?.db),
    documentKey: { _id: doc._id },
    fullDocument: doc,
    ...extra,
  };
}

export function update(
  coll: string,
  before: Document,
  after: Document,
  updateDescription: Partial<UpdateDescription> = {},
  extra: Partial<ChangeRecord> = {},
): ChangeRecord {
  return {
    operationType: 'update',
    ns: ns(coll, extra.ns?.db),
    documentKey: { _id: after._id },
    fullDocument: after,
    fullDocumentBeforeChange: before,
    updateDescription: { updatedFields: {}, removedFields: [], truncatedArrays: [], ...updateDescription },
    ...extra,
  };
}

export function replace(
  coll: string,
  before: Document,
  after: Document,
  extra: Partial<ChangeRecord> = {},
): ChangeRecord {
  return {
    operationType: 'replace',
    ns: ns(coll, extra.ns?.db),
    documentKey: { _id: after._id },
    fullDocument: after,
    fullDocumentBeforeChange: before,
    ...extra,
  };
}

export function remove(coll: string, before: Document, extra: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    operationType: 'delete',
    ns: ns(coll, extra.ns?.db),
    documentKey: { _id: before._id },
    fullDocumentBeforeChange: before,
    ...extra,
  };
}

export function drop(coll: string, db = DB): ChangeRecord {
  return { operationType: 'drop', ns: ns(coll, db) };
}

export function dropDatabase(db = DB): ChangeRecord {
  return { operationType: 'dropDatabase', ns: { db, coll: '' } };
}
