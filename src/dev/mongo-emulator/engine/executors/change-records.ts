/**
 * Change records for committed document writes. Every document in a record is a deep copy or a
 * document the store no longer holds, so later writes can never alter an event already handed to
 * the change-stream history.
 */
import type { ChangeRecord, Document, UpdateDescription } from '../../types';
import { deepCopy } from '../deep-copy';
import type { CollectionView } from '../storage/collection-view';

function base(
  view: CollectionView,
  operationType: ChangeRecord['operationType'],
  doc: Document,
): ChangeRecord {
  return {
    operationType,
    ns: { ...view.ns },
    documentKey: { _id: deepCopy(doc._id) },
    preAndPostImages: view.preAndPostImages,
  };
}

export function insertRecord(view: CollectionView, doc: Document): ChangeRecord {
  return { ...base(view, 'insert', doc), fullDocument: deepCopy(doc) };
}

/** `pre` is the replaced document; `description` is already a fresh copy (ChangeLog/diff build it). */
export function updateRecord(
  view: CollectionView,
  pre: Document,
  post: Document,
  description: UpdateDescription,
): ChangeRecord {
  return {
    ...base(view, 'update', post),
    fullDocument: deepCopy(post),
    fullDocumentBeforeChange: view.released(pre),
    updateDescription: description,
  };
}

export function replaceRecord(view: CollectionView, pre: Document, post: Document): ChangeRecord {
  return {
    ...base(view, 'replace', post),
    fullDocument: deepCopy(post),
    fullDocumentBeforeChange: view.released(pre),
  };
}

export function deleteRecord(view: CollectionView, pre: Document): ChangeRecord {
  return { ...base(view, 'delete', pre), fullDocumentBeforeChange: view.released(pre) };
}
