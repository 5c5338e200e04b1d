/**
 * Single insert and delete statements against a collection view, recording a change per document.
 */
import type { ChangeRecord, Document } from '../../types';
import { bsonTypeOf } from '../bson-types';
import { deepCopy } from '../deep-copy';
import { ensureId } from '../document-id';
import type { DeleteStatement } from '../engine-api';
import { badValue } from '../engine-errors';
import { compileFilter } from '../query/query-matcher';
import type { CollectionView } from '../storage/collection-view';
import { deleteRecord, insertRecord } from './change-records';

export function executeInsert(view: CollectionView, doc: Document, records: ChangeRecord[]): void {
  if (bsonTypeOf(doc) !== 'object') throw badValue('document to insert must be an object');
  const stored = ensureId(deepCopy(doc));
  view.insert(stored);
  records.push(insertRecord(view, stored));
}

/** Returns the number of documents deleted. */
export function executeDelete(view: CollectionView, stmt: DeleteStatement, records: ChangeRecord[]): number {
  const matcher = compileFilter(stmt.q);
  let n = 0;
  for (const entry of view.candidates(stmt.q)) {
    if (!matcher(entry.doc)) continue;
    view.remove(entry.idKey);
    records.push(deleteRecord(view, entry.doc));
    n++;
    if (stmt.limit === 1) break;
  }
  return n;
}
