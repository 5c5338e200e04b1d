/**
 * What the command layer (commands/) asks of the storage engine (engine/). Command handlers translate
 * wire documents into these calls and the results back into MongoDB's reply shapes; the engine knows
 * nothing of the wire. Every method is synchronous: one command is atomic with respect to every other,
 * which is what makes single-document writes atomic under concurrent clients.
 * Errors are thrown as MongoCommandError (types.ts); per-statement write errors come back in `writeErrors`.
 */
import type { CollectionOptions, Document, Namespace, TxnRef, WriteError } from '../types';

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  projection?: Document;
  skip?: number;
  /** 0 or absent = no limit. */
  limit?: number;
  hint?: Document | string;
}

export interface UpdateStatement {
  q: Document;
  /** Operator document (`{$set: ...}`), replacement document, or aggregation pipeline (array). */
  u: Document | Document[];
  multi?: boolean;
  upsert?: boolean;
  arrayFilters?: Document[];
  hint?: Document | string;
}

export interface DeleteStatement {
  q: Document;
  /** 0 = all matching, 1 = first matching. */
  limit: number;
}

export interface WriteOptions {
  ordered: boolean;
  txn?: TxnRef;
}

export interface InsertResult {
  n: number;
  writeErrors: WriteError[];
}

export interface UpdateResult {
  n: number;
  nModified: number;
  upserted: { index: number; _id: unknown }[];
  writeErrors: WriteError[];
}

export interface DeleteResult {
  n: number;
  writeErrors: WriteError[];
}

export interface FindAndModifySpec {
  query?: Document;
  sort?: Document;
  remove?: boolean;
  update?: Document | Document[];
  new?: boolean;
  fields?: Document;
  upsert?: boolean;
  arrayFilters?: Document[];
}

export interface FindAndModifyResult {
  value: Document | null;
  lastErrorObject: { n: number; updatedExisting?: boolean; upserted?: unknown };
}

export interface CollectionInfo {
  name: string;
  options: CollectionOptions;
  /** Stable per collection lifetime (a UUID in Binary subtype 4 on the wire). */
  uuid: Uint8Array;
}

export interface IndexSpec {
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export interface Engine {
  listDatabases(): { name: string; sizeOnDisk: number; empty: boolean }[];
  listCollections(db: string): CollectionInfo[];
  /** Throws NamespaceExists (48) when it exists already. */
  createCollection(db: string, coll: string, options: CollectionOptions): void;
  /** collMod: merges options (used for changeStreamPreAndPostImages). Throws NamespaceNotFound. */
  modifyCollection(db: string, coll: string, options: CollectionOptions): void;
  /** Returns false when there was no such collection. Emits a `drop` change. */
  dropCollection(db: string, coll: string): boolean;
  /** Emits `drop` per collection, then `dropDatabase`. */
  dropDatabase(db: string): void;
  /**
   * renameCollection: emits one `rename` (streams on either namespace are invalidated by it). Throws
   * NamespaceNotFound for a missing source, NamespaceExists for an existing target without `dropTarget`.
   */
  renameCollection(from: Namespace, to: Namespace, dropTarget: boolean): void;

  /** Creates the collection when missing. Existing identical index = no-op; same name, other key = 85/86. */
  createIndexes(
    db: string,
    coll: string,
    specs: IndexSpec[],
  ): { createdCollectionAutomatically: boolean; numIndexesBefore: number; numIndexesAfter: number };
  listIndexes(db: string, coll: string): IndexSpec[];
  /** `'*'` drops all but `_id_`; a key document drops the index with that key. Returns nIndexesWas. */
  dropIndexes(db: string, coll: string, index: string | string[] | Document): number;

  /** Documents lacking `_id` get a new ObjectId, placed first. Creates the collection when missing. */
  insert(db: string, coll: string, docs: Document[], options: WriteOptions): InsertResult;
  update(db: string, coll: string, updates: UpdateStatement[], options: WriteOptions): UpdateResult;
  delete(db: string, coll: string, deletes: DeleteStatement[], options: WriteOptions): DeleteResult;
  findAndModify(db: string, coll: string, spec: FindAndModifySpec, txn?: TxnRef): FindAndModifyResult;

  /** Matching documents after sort/skip/limit/projection, as deep copies the caller may keep. */
  find(db: string, coll: string, spec: FindSpec, txn?: TxnRef): Document[];
  /** One document by `_id` (change streams' updateLookup), or null. */
  findById(db: string, coll: string, id: unknown): Document | null;
  /** `coll` null = database-level aggregate (`aggregate: 1`). $lookup reads other collections of `db`. */
  aggregate(db: string, coll: string | null, pipeline: Document[], txn?: TxnRef): Document[];
  count(db: string, coll: string, query: Document, skip?: number, limit?: number, txn?: TxnRef): number;
  distinct(db: string, coll: string, key: string, query: Document, txn?: TxnRef): unknown[];

  /** Whether the collection currently has changeStreamPreAndPostImages enabled. */
  preAndPostImagesEnabled(db: string, coll: string): boolean;

  /** Opens transaction `txn` (startTransaction: true). Writes stay private to it until commit. */
  startTransaction(txn: TxnRef): void;
  /** True when `txn` is open (commands after the first carry only lsid/txnNumber/autocommit:false). */
  inTransaction(txn: TxnRef): boolean;
  /** Applies its writes atomically and emits their changes. Committing twice is a no-op. NoSuchTransaction if unknown. */
  commitTransaction(txn: TxnRef): void;
  abortTransaction(txn: TxnRef): void;
  /** endSessions: aborts any open transaction of these sessions. */
  endSessions(sessionKeys: string[]): void;
}
