/**
 * The contract between the emulator's three parts, so each can be built and tested on its own:
 * - wire/ + commands/ + server.ts: TCP, message codec, handshake, command dispatch, cursors, fail points.
 * - engine/: databases, collections, indexes, query/update/aggregation semantics, transactions.
 * - change-streams/: the bounded event history (oplog), resume tokens, change stream cursors.
 *
 * Documents cross these boundaries as plain objects holding the server's own `bson` instances
 * (ObjectId, Long, Int32, Double, Decimal128, Binary, Timestamp, Date), never promoted JS numbers,
 * so a value read back has the type that was written.
 */
import type { Document, Long, Timestamp } from 'bson';

export type { Document };

/** Namespace of a collection, as change events report it. */
export interface Namespace {
  db: string;
  coll: string;
}

/** Error shaped like MongoDB's command error reply: `{ok: 0, errmsg, code, codeName, errorLabels?, ...extra}`. */
export class MongoCommandError extends Error {
  override readonly name = 'MongoCommandError';
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
    readonly errorLabels: string[] = [],
  ) {
    super(message);
  }
}

/** Codes the emulator raises, named as MongoDB names them. */
export const ErrorCodes = {
  BadValue: { code: 2, codeName: 'BadValue' },
  FailedToParse: { code: 9, codeName: 'FailedToParse' },
  TypeMismatch: { code: 14, codeName: 'TypeMismatch' },
  NamespaceNotFound: { code: 26, codeName: 'NamespaceNotFound' },
  IndexNotFound: { code: 27, codeName: 'IndexNotFound' },
  ConflictingUpdateOperators: { code: 40, codeName: 'ConflictingUpdateOperators' },
  CursorNotFound: { code: 43, codeName: 'CursorNotFound' },
  NamespaceExists: { code: 48, codeName: 'NamespaceExists' },
  IllegalOperation: { code: 20, codeName: 'IllegalOperation' },
  MaxTimeMSExpired: { code: 50, codeName: 'MaxTimeMSExpired' },
  DollarPrefixedFieldName: { code: 52, codeName: 'DollarPrefixedFieldName' },
  CommandNotFound: { code: 59, codeName: 'CommandNotFound' },
  ImmutableField: { code: 66, codeName: 'ImmutableField' },
  IndexOptionsConflict: { code: 85, codeName: 'IndexOptionsConflict' },
  IndexKeySpecsConflict: { code: 86, codeName: 'IndexKeySpecsConflict' },
  WriteConflict: { code: 112, codeName: 'WriteConflict' },
  NoSuchTransaction: { code: 251, codeName: 'NoSuchTransaction' },
  TransactionCommitted: { code: 256, codeName: 'TransactionCommitted' },
  InvalidResumeToken: { code: 260, codeName: 'InvalidResumeToken' },
  ChangeStreamFatalError: { code: 280, codeName: 'ChangeStreamFatalError' },
  ChangeStreamHistoryLost: { code: 286, codeName: 'ChangeStreamHistoryLost' },
  Location40324: { code: 40324, codeName: 'Location40324' },
  DuplicateKey: { code: 11000, codeName: 'DuplicateKey' },
} as const;

export function commandError(
  kind: (typeof ErrorCodes)[keyof typeof ErrorCodes],
  message: string,
  extra: Document = {},
): MongoCommandError {
  return new MongoCommandError(kind.code, kind.codeName, message, extra);
}

/** One write error of a batch, as `writeErrors[i]` of an insert/update/delete reply. */
export interface WriteError {
  index: number;
  code: number;
  codeName?: string;
  errmsg: string;
  keyPattern?: Document;
  keyValue?: Document;
}

/** Which session/transaction a command runs in. `undefined` = outside any transaction. */
export interface TxnRef {
  /** Stable key of the logical session (hex of lsid.id). */
  sessionKey: string;
  txnNumber: bigint;
}

/** `changeStreamPreAndPostImages` etc. as given to create/collMod. */
export interface CollectionOptions {
  changeStreamPreAndPostImages?: { enabled: boolean };
  [option: string]: unknown;
}

export interface UpdateDescription {
  updatedFields: Document;
  removedFields: string[];
  truncatedArrays: { field: string; newSize: number }[];
}

/**
 * What the engine reports for every committed change; the oplog gives it a clusterTime.
 * Documents are snapshots (deep copies or immutable), never live references the engine mutates later.
 */
export interface ChangeRecord {
  operationType: 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'dropDatabase' | 'rename';
  ns: Namespace;
  /** The new namespace of a `rename`. */
  to?: Namespace;
  /** `{_id}` for document events; absent for drop/dropDatabase. */
  documentKey?: Document;
  /** Post-image (insert, replace, update). */
  fullDocument?: Document;
  /** Pre-image (update, replace, delete); the stream shows it only when the collection enables it. */
  fullDocumentBeforeChange?: Document;
  updateDescription?: UpdateDescription;
  /** Whether the collection had changeStreamPreAndPostImages enabled at write time. */
  preAndPostImages?: boolean;
  /** lsid/txnNumber when the change was committed by a transaction. */
  lsid?: Document;
  txnNumber?: Long;
}

/** Appends committed changes; implemented by change-streams/oplog.ts. */
export interface ChangeSink {
  /** Records the changes of one write (one entry each), returning the clusterTime of the last. */
  append(changes: ChangeRecord[]): Timestamp;
}

/** The logical clock every reply carries as `operationTime` and `$clusterTime.clusterTime`. */
export interface ClusterClock {
  /** The clusterTime of the latest change, or of server start when there was none. */
  now(): Timestamp;
}

/** A server-side cursor as find/aggregate/listX/change streams produce and getMore drains. */
export interface ServerCursor {
  readonly ns: string;
  /**
   * Next batch of up to `batchSize` documents. A tailable awaitData cursor (change streams) waits up to
   * `maxAwaitTimeMS` for the first document and returns an empty batch when none arrived.
   */
  next(batchSize: number, maxAwaitTimeMS: number): Promise<CursorBatch>;
  close(): void;
}

export interface CursorBatch {
  documents: Document[];
  /**
   * True when the cursor can return nothing more (id 0 in the reply). For a change stream only after its
   * invalidate event (drop of its collection or database): that batch ends the stream, as on MongoDB.
   */
  exhausted: boolean;
  /** Change streams only: the token of the last event scanned, matched or not. */
  postBatchResumeToken?: Document;
}
