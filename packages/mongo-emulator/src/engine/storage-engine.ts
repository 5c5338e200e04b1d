/**
 * The emulator's storage engine: the Engine the command layer calls. It routes each call to the
 * committed state or to the caller's transaction, runs the executors, and hands every committed
 * change to the change-stream sink (one append per command; a transaction's changes in one append at
 * commit). Every method is synchronous, so each command is atomic with respect to all others.
 */
import type {
  ChangeRecord,
  ChangeSink,
  CollectionOptions,
  Document,
  Namespace,
  TxnRef,
  WriteError,
} from '../types';
import { commandError, ErrorCodes } from '../types';
import { deepCopy } from './deep-copy';
import type {
  CollectionInfo,
  DeleteResult,
  DeleteStatement,
  Engine,
  FindAndModifyResult,
  FindAndModifySpec,
  FindSpec,
  IndexSpec,
  InsertResult,
  UpdateResult,
  UpdateStatement,
  WriteOptions,
} from './engine-api';
import { namespaceNotFound } from './engine-errors';
import { runAggregation } from './executors/aggregation';
import { executeFindAndModify } from './executors/find-and-modify';
import { executeDelete, executeInsert } from './executors/insert-delete';
import { countDocuments, distinctValues, findDocuments } from './executors/read-queries';
import { executeUpdate } from './executors/update-statement';
import { runBatch } from './executors/write-batch';
import { indexKey } from './index-key';
import { toMingo } from './mingo-values';
import { Catalog } from './storage/catalog';
import type { Collection } from './storage/collection';
import { BaseView } from './storage/collection-view';
import type { CollectionView } from './storage/collection-view';
import { createIndexes, dropIndexes, listIndexes } from './storage/index-management';
import { TransactionManager } from './transactions/transaction-manager';

export interface StorageEngineOptions {
  /** Receives every committed change (the change-stream hub). */
  changes: ChangeSink;
  /** Time source for `$currentDate`. @defaultValue () => new Date() */
  clock?: () => Date;
}

/** Rough per-document size for listDatabases' sizeOnDisk; nothing depends on its exactness. */
const APPROX_DOC_BYTES = 256;

export class StorageEngine implements Engine {
  private readonly catalog = new Catalog();
  private readonly txns = new TransactionManager(collection => {
    const { db, coll } = collection.ns;
    // Only if nothing outside the transaction has since written to it: then it is as if never created.
    if (this.catalog.get(db, coll) === collection && collection.docs.size === 0) this.catalog.drop(db, coll);
  });
  private readonly changes: ChangeSink;
  private readonly clock: () => Date;

  constructor(options: StorageEngineOptions) {
    this.changes = options.changes;
    this.clock = options.clock ?? (() => new Date());
  }

  private publish(records: ChangeRecord[]): void {
    if (records.length > 0) this.changes.append(records);
  }

  private viewOf(collection: Collection, txn?: TxnRef): CollectionView {
    return txn ? this.txns.view(txn, collection) : new BaseView(collection);
  }

  /** Writes create the collection implicitly, as in MongoDB. */
  private writeView(db: string, coll: string, txn?: TxnRef): CollectionView {
    if (txn) this.txns.assertOpen(txn);
    const { collection, created } = this.catalog.obtain(db, coll);
    if (txn && created) this.txns.created(txn, collection);
    return this.viewOf(collection, txn);
  }

  /** Undefined when the collection does not exist (reads then see nothing). */
  private readView(db: string, coll: string, txn?: TxnRef): CollectionView | undefined {
    if (txn) this.txns.assertOpen(txn);
    const collection = this.catalog.get(db, coll);
    return collection ? this.viewOf(collection, txn) : undefined;
  }

  /**
   * Runs a write, publishing its changes now or keeping them for the transaction's commit. A failed
   * statement inside a transaction aborts the transaction, as MongoDB does.
   */
  private write<T extends object>(txn: TxnRef | undefined, run: (records: ChangeRecord[]) => T): T {
    const records: ChangeRecord[] = [];
    try {
      const result = run(records);
      if (txn) {
        this.txns.record(txn, records);
        if ((result as { writeErrors?: WriteError[] }).writeErrors?.length) this.txns.abortQuietly(txn);
      }
      return result;
    } catch (e) {
      if (txn) this.txns.abortQuietly(txn);
      throw e;
    } finally {
      if (!txn) this.publish(records);
    }
  }

  listDatabases(): { name: string; sizeOnDisk: number; empty: boolean }[] {
    return this.catalog.databases().map(name => {
      const docs = this.catalog.collections(name).reduce((n, c) => n + c.docs.size, 0);
      return { name, sizeOnDisk: 8192 + docs * APPROX_DOC_BYTES, empty: false };
    });
  }

  listCollections(db: string): CollectionInfo[] {
    return this.catalog
      .collections(db)
      .map(c => ({ name: c.ns.coll, options: deepCopy(c.options), uuid: Uint8Array.from(c.uuid) }));
  }

  createCollection(db: string, coll: string, options: CollectionOptions): void {
    this.catalog.create(db, coll, deepCopy(options));
  }

  modifyCollection(db: string, coll: string, options: CollectionOptions): void {
    const collection = this.catalog.get(db, coll);
    if (!collection) throw namespaceNotFound(db, coll);
    collection.options = { ...collection.options, ...deepCopy(options) };
  }

  dropCollection(db: string, coll: string): boolean {
    const collection = this.catalog.drop(db, coll);
    if (!collection) return false;
    this.txns.collectionDropped(collection);
    this.publish([{ operationType: 'drop', ns: { db, coll } }]);
    return true;
  }

  renameCollection(from: Namespace, to: Namespace, dropTarget: boolean): void {
    const source = this.catalog.get(from.db, from.coll);
    if (!source) throw namespaceNotFound(from.db, from.coll);
    if (this.catalog.get(to.db, to.coll)) {
      if (!dropTarget) throw commandError(ErrorCodes.NamespaceExists, 'target namespace exists');
      this.txns.collectionDropped(this.catalog.drop(to.db, to.coll)!);
    }
    // Like mongod's exclusive lock: transactions that touched the collection cannot commit across it.
    this.txns.collectionDropped(source);
    this.catalog.rename(from, to);
    this.publish([{ operationType: 'rename', ns: { ...from }, to: { ...to } }]);
  }

  dropDatabase(db: string): void {
    const records: ChangeRecord[] = [];
    for (const collection of this.catalog.collections(db)) {
      this.catalog.drop(db, collection.ns.coll);
      this.txns.collectionDropped(collection);
      records.push({ operationType: 'drop', ns: { db, coll: collection.ns.coll } });
    }
    // A change event for dropDatabase has only ns.db; coll is left empty.
    if (records.length > 0) records.push({ operationType: 'dropDatabase', ns: { db, coll: '' } });
    this.publish(records);
  }

  createIndexes(db: string, coll: string, specs: IndexSpec[]) {
    const { collection, created } = this.catalog.obtain(db, coll);
    const { before, after } = createIndexes(collection, specs);
    return { createdCollectionAutomatically: created, numIndexesBefore: before, numIndexesAfter: after };
  }

  listIndexes(db: string, coll: string): IndexSpec[] {
    const collection = this.catalog.get(db, coll);
    if (!collection) throw namespaceNotFound(db, coll);
    return listIndexes(collection);
  }

  dropIndexes(db: string, coll: string, index: string | string[] | Document): number {
    const collection = this.catalog.get(db, coll);
    if (!collection) throw namespaceNotFound(db, coll);
    return dropIndexes(collection, index);
  }

  insert(db: string, coll: string, docs: Document[], options: WriteOptions): InsertResult {
    return this.write(options.txn, records => {
      const view = this.writeView(db, coll, options.txn);
      const batch = runBatch(docs, options.ordered, doc => executeInsert(view, doc, records));
      return { n: batch.results.length, writeErrors: batch.writeErrors };
    });
  }

  update(db: string, coll: string, updates: UpdateStatement[], options: WriteOptions): UpdateResult {
    return this.write(options.txn, records => {
      const view = this.writeView(db, coll, options.txn);
      const now = this.clock();
      const batch = runBatch(updates, options.ordered, stmt => executeUpdate(view, stmt, now, records));
      const upserted = batch.results
        .filter(r => r.result.upsertedId !== undefined)
        .map(r => ({ index: r.index, _id: r.result.upsertedId }));
      return {
        n: batch.results.reduce((n, r) => n + r.result.n, 0),
        nModified: batch.results.reduce((n, r) => n + r.result.nModified, 0),
        upserted,
        writeErrors: batch.writeErrors,
      };
    });
  }

  delete(db: string, coll: string, deletes: DeleteStatement[], options: WriteOptions): DeleteResult {
    return this.write(options.txn, records => {
      const view = this.writeView(db, coll, options.txn);
      const batch = runBatch(deletes, options.ordered, stmt => executeDelete(view, stmt, records));
      return { n: batch.results.reduce((n, r) => n + r.result, 0), writeErrors: batch.writeErrors };
    });
  }

  findAndModify(db: string, coll: string, spec: FindAndModifySpec, txn?: TxnRef): FindAndModifyResult {
    return this.write(txn, records =>
      executeFindAndModify(this.writeView(db, coll, txn), spec, this.clock(), records),
    );
  }

  find(db: string, coll: string, spec: FindSpec, txn?: TxnRef): Document[] {
    const view = this.readView(db, coll, txn);
    return view ? findDocuments(view, spec) : [];
  }

  findById(db: string, coll: string, id: unknown): Document | null {
    const doc = this.catalog.get(db, coll)?.get(indexKey(id));
    return doc ? deepCopy(doc) : null;
  }

  aggregate(db: string, coll: string | null, pipeline: Document[], txn?: TxnRef): Document[] {
    if (txn) this.txns.assertOpen(txn);
    const resolve = (name: string): Document[] =>
      this.readView(db, name, txn)
        ?.candidates(undefined)
        .map(e => toMingo(e.doc) as Document) ?? [];
    const view = coll === null ? null : (this.readView(db, coll, txn) ?? emptyView(db, coll));
    return runAggregation(view, pipeline, resolve);
  }

  count(db: string, coll: string, query: Document, skip?: number, limit?: number, txn?: TxnRef): number {
    const view = this.readView(db, coll, txn);
    return view ? countDocuments(view, query, skip, limit) : 0;
  }

  distinct(db: string, coll: string, key: string, query: Document, txn?: TxnRef): unknown[] {
    const view = this.readView(db, coll, txn);
    return view ? distinctValues(view, key, query) : [];
  }

  /**
   * Not part of Engine: counters for tests and diagnostics. `docsExamined` is cumulative, like
   * MongoDB's totalDocsExamined summed over the collection's operations.
   */
  collectionStats(
    db: string,
    coll: string,
  ): { documents: number; indexes: number; docsExamined: number } | null {
    const c = this.catalog.get(db, coll);
    return c ? { documents: c.docs.size, indexes: c.indexes.size + 1, docsExamined: c.docsExamined } : null;
  }

  preAndPostImagesEnabled(db: string, coll: string): boolean {
    return this.catalog.get(db, coll)?.preAndPostImages ?? false;
  }

  startTransaction(txn: TxnRef): void {
    this.txns.start(txn);
  }

  inTransaction(txn: TxnRef): boolean {
    return this.txns.isOpen(txn);
  }

  commitTransaction(txn: TxnRef): void {
    this.publish(this.txns.commit(txn, c => this.catalog.get(c.ns.db, c.ns.coll) === c));
  }

  abortTransaction(txn: TxnRef): void {
    this.txns.abort(txn);
  }

  endSessions(sessionKeys: string[]): void {
    this.txns.endSessions(sessionKeys);
  }
}

function emptyView(db: string, coll: string): CollectionView {
  const readOnly = (): never => {
    throw new Error('read-only view');
  };
  return {
    ns: { db, coll },
    preAndPostImages: false,
    get: () => undefined,
    candidates: () => [],
    insert: readOnly,
    replace: readOnly,
    remove: readOnly,
    released: readOnly,
  };
}
