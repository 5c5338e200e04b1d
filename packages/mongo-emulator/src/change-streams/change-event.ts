/**
 * Change events shaped as MongoDB 7 emits them (field order included), from an oplog entry and the
 * stream's fullDocument / fullDocumentBeforeChange modes.
 */
import type { Document } from '../types';
import { MongoCommandError } from '../types';
import type { ChangeStreamOptions } from './change-stream-options';
import type { OplogEntry } from './oplog';
import { encodeResumeToken } from './resume-token';

/** The engine's findById, for fullDocument: 'updateLookup'. */
export type DocumentLookup = (db: string, coll: string, id: unknown) => Document | null;

type ImageModes = Pick<ChangeStreamOptions, 'fullDocument' | 'fullDocumentBeforeChange'>;

const noMatchingDocument = (message: string) => new MongoCommandError(47, 'NoMatchingDocument', message);

/**
 * The event without the images a stream's modes add (see addImages), which may need a lookup; an insert's
 * or a replace's own fullDocument is part of the event itself.
 */
export function renderChangeEvent(entry: OplogEntry): Document {
  const { record } = entry;
  const event: Document = {
    _id: entry.token,
    operationType: record.operationType,
    clusterTime: entry.clusterTime,
    wallTime: entry.wallTime,
  };
  switch (record.operationType) {
    case 'drop':
      event.ns = { db: record.ns.db, coll: record.ns.coll };
      return event;
    case 'dropDatabase':
      event.ns = { db: record.ns.db };
      return event;
    case 'rename':
      event.ns = { db: record.ns.db, coll: record.ns.coll };
      event.to = { db: record.to?.db, coll: record.to?.coll };
      return event;
    case 'insert':
    case 'replace':
      // MongoDB puts the inserted or replacing document before ns for these two.
      event.fullDocument = record.fullDocument ?? null;
      break;
    default:
      break;
  }
  event.ns = { db: record.ns.db, coll: record.ns.coll };
  event.documentKey = record.documentKey ?? {
    _id: record.fullDocument?._id ?? record.fullDocumentBeforeChange?._id,
  };
  if (record.operationType === 'update') {
    event.updateDescription = record.updateDescription ?? {
      updatedFields: {},
      removedFields: [],
      truncatedArrays: [],
    };
  }
  if (record.lsid !== undefined) event.lsid = record.lsid;
  if (record.txnNumber !== undefined) event.txnNumber = record.txnNumber;
  return event;
}

/** Adds the post- and pre-image the stream's modes ask for, last, where MongoDB puts them. */
export function addImages(
  event: Document,
  entry: OplogEntry,
  modes: ImageModes,
  lookup: DocumentLookup,
): Document {
  const { record } = entry;
  if (
    record.operationType === 'drop' ||
    record.operationType === 'dropDatabase' ||
    record.operationType === 'rename'
  )
    return event;
  if (record.operationType === 'update') {
    const postImage = updatePostImage(entry, modes, lookup);
    if (postImage !== undefined) event.fullDocument = postImage;
  }
  if (record.operationType !== 'insert') {
    const preImage = preImageOf(entry, modes);
    if (preImage !== undefined) event.fullDocumentBeforeChange = preImage;
  }
  return event;
}

/** The invalidate that ends a stream whose collection or database the entry dropped. */
export function renderInvalidate(entry: OplogEntry): Document {
  return {
    _id: encodeResumeToken({ ...entry.position, invalidate: true }),
    operationType: 'invalidate',
    clusterTime: entry.clusterTime,
    wallTime: entry.wallTime,
  };
}

function updatePostImage(
  entry: OplogEntry,
  modes: ImageModes,
  lookup: DocumentLookup,
): Document | null | undefined {
  const { record } = entry;
  switch (modes.fullDocument) {
    case 'default':
      return undefined;
    case 'updateLookup':
      // The document as it is now, not as this update left it: MongoDB's lookup has the same race.
      return lookup(record.ns.db, record.ns.coll, documentIdOf(entry)) ?? null;
    case 'whenAvailable':
      return entry.imagesRecorded ? (record.fullDocument ?? null) : null;
    case 'required':
      if (entry.imagesRecorded && record.fullDocument) return record.fullDocument;
      throw noMatchingDocument(
        `Change stream was configured to require a post-image for all update events, but the post-image was not found ` +
          `for event: ${describeEntry(entry)}`,
      );
  }
}

function preImageOf(entry: OplogEntry, modes: ImageModes): Document | null | undefined {
  const { record } = entry;
  switch (modes.fullDocumentBeforeChange) {
    case 'off':
      return undefined;
    case 'whenAvailable':
      return entry.imagesRecorded ? (record.fullDocumentBeforeChange ?? null) : null;
    case 'required':
      if (entry.imagesRecorded && record.fullDocumentBeforeChange) return record.fullDocumentBeforeChange;
      throw noMatchingDocument(
        `Change stream was configured to require a pre-image for all update, delete and replace events, but the ` +
          `pre-image was not found for event: ${describeEntry(entry)}`,
      );
  }
}

function documentIdOf(entry: OplogEntry): unknown {
  const key = entry.record.documentKey ?? entry.record.fullDocument;
  return key?._id;
}

function describeEntry(entry: OplogEntry): string {
  const { ns, operationType } = entry.record;
  return `{operationType: '${operationType}', ns: '${ns.db}.${ns.coll}', _id: ${JSON.stringify(entry.token)}}`;
}
