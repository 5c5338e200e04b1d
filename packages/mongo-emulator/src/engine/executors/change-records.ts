/**
 * Change records for committed document writes. Every value in a record is a deep copy or a stored
 * value, which no write ever mutates (updates copy what they change, see document-writer.ts), so later
 * writes can never alter an event already handed to the change-stream history.
 *
 * Update post-images and every pre-image are kept only when the collection has
 * changeStreamPreAndPostImages enabled, as on MongoDB: no stream can show them otherwise, and holding
 * them would keep a copy of every updated document alive for as long as the history retains the event.
 */
import type { ChangeRecord, Document, UpdateDescription } from '../../types';
import { deepCopy } from '../deep-copy';
import type { CollectionView } from '../storage/collection-view';

function base(
  view: CollectionView,
  operationType: ChangeRecord['operationType'],
  doc: Document,
  images: boolean,
): ChangeRecord {
  return {
    operationType,
    ns: view.ns,
    documentKey: { _id: deepCopy(doc._id) },
    preAndPostImages: images,
  };
}

export function insertRecord(view: CollectionView, doc: Document): ChangeRecord {
  const record = base(view, 'insert', doc, view.preAndPostImages);
  record.fullDocument = deepCopy(doc);
  return record;
}

/** `pre` is the replaced document; `description` is already a fresh copy (ChangeLog/diff build it). */
export function updateRecord(
  view: CollectionView,
  pre: Document,
  post: Document,
  description: UpdateDescription,
): ChangeRecord {
  const images = view.preAndPostImages;
  const record = base(view, 'update', post, images);
  if (images) {
    record.fullDocument = deepCopy(post);
    record.fullDocumentBeforeChange = view.released(pre);
  }
  record.updateDescription = description;
  return record;
}

export function replaceRecord(view: CollectionView, pre: Document, post: Document): ChangeRecord {
  const images = view.preAndPostImages;
  const record = base(view, 'replace', post, images);
  record.fullDocument = deepCopy(post);
  if (images) record.fullDocumentBeforeChange = view.released(pre);
  return record;
}

export function deleteRecord(view: CollectionView, pre: Document): ChangeRecord {
  const images = view.preAndPostImages;
  const record = base(view, 'delete', pre, images);
  if (images) record.fullDocumentBeforeChange = view.released(pre);
  return record;
}
